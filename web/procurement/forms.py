"""Reading the procurement forms: approve, order, receive, cancel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.shared.forms import LONG_TEXT
from workflow.programme.procurement import (
    ApproveProcurement,
    CancelProcurement,
    DeliverProcurement,
    OrderProcurement,
)
from workflow.programme.shared.values import Collector, date_value, text_value, whole_number


def typed_amount(values: Mapping[str, Any]) -> int | None:
    """The amount typed into the approval form, if it is one (to word a refusal)."""
    return whole_number(values.get("amount_amd"), "amount_amd", Collector())


def approve(values: Mapping[str, Any], *, request_id: int, actor: str) -> ApproveProcurement:
    """The amount is optional: without one the request is approved at its own amount."""
    problems = Collector()
    amount = whole_number(values.get("amount_amd"), "amount_amd", problems, unit=" of dram (AMD)")
    problems.check()
    return ApproveProcurement(request_id=request_id, actor=actor, amount_amd=amount)


def order(values: Mapping[str, Any], *, request_id: int, actor: str) -> OrderProcurement:
    return OrderProcurement(request_id=request_id, actor=actor)


def deliver(values: Mapping[str, Any], *, request_id: int, actor: str) -> DeliverProcurement:
    problems = Collector()
    day = date_value(values.get("delivered_on"), "delivered_on", problems, required=True)
    problems.check()
    assert day is not None
    return DeliverProcurement(request_id=request_id, actor=actor, delivered_on=day)


def cancel(values: Mapping[str, Any], *, request_id: int, actor: str) -> CancelProcurement:
    problems = Collector()
    reason = text_value(
        values.get("reason"), "reason", problems, required=True, max_length=LONG_TEXT
    )
    problems.check()
    assert reason is not None
    return CancelProcurement(request_id=request_id, actor=actor, reason=reason)


#: action in the URL -> reader (the procurement queue's buttons and the API).
PROCUREMENT_ACTIONS = {"approve": approve, "order": order, "deliver": deliver, "cancel": cancel}
