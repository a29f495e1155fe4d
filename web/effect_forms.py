"""Reading what the referral, reminder and procurement forms (HTML or JSON) send into the
commands of the background work (``workflow.programme.effect_commands``).

Field names are the ones the service layer reports problems under (``purpose``,
``reason``, ``feedback``, ``amount_amd``), so each problem lands beside its field. The
service layer keeps the rules (which answer follows which, the budget); the readers only
turn text into values.
"""

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
from workflow.programme.referrals import CreateReferral, RespondToReferral
from workflow.programme.reminders import AcknowledgeReminder
from workflow.programme.shared.values import Collector, date_value, text_value, whole_number

#: The partner's answers, in the order a referral goes through them.
RESPONSES = ("acknowledged", "accepted", "declined", "completed")


def referral(values: Mapping[str, Any], *, case_id: int, actor: str) -> CreateReferral:
    problems = Collector()
    partner = text_value(values.get("partner"), "partner", problems, required=True)
    purpose = text_value(
        values.get("purpose"), "purpose", problems, required=True, max_length=LONG_TEXT
    )
    problems.check()
    assert partner is not None and purpose is not None
    return CreateReferral(case_id=case_id, partner=partner, purpose=purpose, actor=actor)


def response(values: Mapping[str, Any], *, referral_id: int, actor: str) -> RespondToReferral:
    """Which answer needs a reason or feedback is the service layer's rule; it reports a
    missing one under ``reason`` / ``feedback``."""
    problems = Collector()
    answer = text_value(values.get("response"), "response", problems, required=True)
    if answer is not None and answer not in RESPONSES:
        problems.add("response", f"is not one of: {', '.join(RESPONSES)}")
    reason = text_value(values.get("reason"), "reason", problems, max_length=LONG_TEXT)
    feedback = text_value(values.get("feedback"), "feedback", problems, max_length=LONG_TEXT)
    problems.check()
    assert answer is not None
    return RespondToReferral(
        referral_id=referral_id,
        response=answer,
        actor=actor,
        # Only the answer that needs it carries it: a reason typed into the "declined"
        # box is not kept when the referral is marked accepted.
        reason=reason if answer == "declined" else None,
        feedback=feedback if answer == "completed" else None,
    )


def acknowledge(values: Mapping[str, Any], *, reminder_id: int, actor: str) -> AcknowledgeReminder:
    return AcknowledgeReminder(reminder_id=reminder_id, actor=actor)


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
