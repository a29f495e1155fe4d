"""Procurement of goods for families: school supplies, medicines, tools after training.

requested -> approved -> ordered -> delivered;  requested | approved -> cancelled

A request is created when a service that needs goods starts (the ``start_services``
transition, through the ``procurement.request_goods`` effect, or such a service added
to an active plan). A procurement officer or manager approves it within the budget line
and the per-family ceiling; a weekly job groups approved requests into one purchase
order per supplier and mails it; the delivery is recorded back on the case's plan (tools
delivered is evidence for the ``stabilise`` guard). Amounts are whole dram.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from workflow.activity import note_activity, require_actor
from workflow.persistence.models import CaseRow
from workflow.programme.inbox import SYSTEM_ACTOR
from workflow.programme.plans import (
    DeliverService,
    PlannedServiceNotFound,
    PlannedServiceRow,
    ServicePlanned,
    deliver_service_in,
)
from workflow.programme.procurement.budget import check_budget
from workflow.programme.procurement.commands import (
    ApproveProcurement,
    CancelProcurement,
    DeliverProcurement,
    ProcurementChanged,
    RequestGoods,
)
from workflow.programme.procurement.errors import (
    NotAllowedToApprove,
    NothingToBuy,
    ProcurementRequestNotFound,
    ProcurementStatusRefused,
    SecondApprovalRefused,
    amd,
)
from workflow.programme.procurement.models import ProcurementRequestRow
from workflow.programme.shared.policies import policies
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Collector, check_amd
from workflow.programme.staff import staff_member
from workflow.runtime import EffectContext, Runtime
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

APPROVER_ROLES = ("procurement_officer", "manager", "admin")
OPEN = ("requested", "approved", "ordered")


def open_request_for(uow: UnitOfWork, planned_service_id: int) -> ProcurementRequestRow | None:
    return uow.session.scalar(
        select(ProcurementRequestRow).where(
            ProcurementRequestRow.planned_service_id == planned_service_id,
            ProcurementRequestRow.status.in_((*OPEN, "delivered")),
        )
    )


def new_request(
    rt: Runtime,
    uow: UnitOfWork,
    *,
    planned: PlannedServiceRow,
    actor: str,
    amount: int | None = None,
    quantity: int = 1,
    supplier: str | None = None,
) -> ProcurementRequestRow:
    """A request for the goods of one planned service, in the caller's transaction."""
    rules = policies()
    purchase = rules.purchases[planned.service]
    now = rt.clock.now()
    row = ProcurementRequestRow(
        case_id=planned.case_id,
        planned_service_id=planned.id,
        service=planned.service,
        budget_line=purchase.budget_line,
        supplier=supplier or purchase.supplier,
        quantity=quantity,
        amount_amd=purchase.estimate_amd if amount is None else amount,
        status="requested",
        requested_by=actor,
        requested_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    case = uow.session.get(CaseRow, planned.case_id)
    assert case is not None
    note_activity(
        uow,
        case=case,
        kind="procurement_requested",
        actor=actor,
        now=now,
        data={
            "request_id": row.id,
            "service": row.service,
            "amount_amd": row.amount_amd,
            "supplier": row.supplier,
        },
    )
    return row


def request_goods_for_case(rt: Runtime, uow: UnitOfWork, *, case_id: int, actor: str) -> list[int]:
    """Requests for every planned service of the case that needs goods and has none yet."""
    catalogue = reference().services
    created = []
    for planned in uow.session.scalars(
        select(PlannedServiceRow)
        .where(
            PlannedServiceRow.case_id == case_id,
            PlannedServiceRow.status.in_(("planned", "in_progress")),
        )
        .order_by(PlannedServiceRow.id)
    ):
        if catalogue[planned.service].procurement and open_request_for(uow, planned.id) is None:
            created.append(new_request(rt, uow, planned=planned, actor=actor).id)
    return created


def after_service_planned(rt: Runtime, uow: UnitOfWork, event: ServicePlanned) -> None:
    """Goods added to an active plan are requested at once, in the planning transaction."""
    case: CaseRow = event.case
    planned: PlannedServiceRow = event.planned
    actor = event.actor
    if case.state == "receiving_services" and reference().services[planned.service].procurement:
        new_request(rt, uow, planned=planned, actor=actor)


def request_goods(rt: Runtime, uow: UnitOfWork, command: RequestGoods) -> ProcurementChanged:
    actor = require_actor(command.actor)
    problems = Collector()
    check_amd(command.amount_amd, "amount_amd", problems)
    if (
        isinstance(command.quantity, bool)
        or not isinstance(command.quantity, int)
        or command.quantity < 1
    ):
        problems.add("quantity", f"must be a whole number of at least 1 (got {command.quantity!r})")
    rules = policies()
    if command.supplier is not None and command.supplier not in rules.suppliers:
        problems.add("supplier", f"must be one of {', '.join(rules.suppliers)}")
    problems.check()
    planned = uow.session.get(PlannedServiceRow, command.planned_service_id)
    if planned is None:
        raise PlannedServiceNotFound(command.planned_service_id)
    if planned.service not in rules.purchases:
        raise NothingToBuy(planned.service)
    already = open_request_for(uow, planned.id)
    if already is not None:
        raise ProcurementStatusRefused(already.id, already.status, "requested a second time")
    amount = (
        rules.purchases[planned.service].estimate_amd
        if command.amount_amd is None
        else command.amount_amd
    )
    check_budget(
        uow,
        rules=rules,
        line=rules.purchases[planned.service].budget_line,
        case_id=planned.case_id,
        amount=amount,
    )
    row = new_request(
        rt,
        uow,
        planned=planned,
        actor=actor,
        amount=amount,
        quantity=command.quantity,
        supplier=command.supplier,
    )
    uow.commit()
    return ProcurementChanged(row.id, row.status)


def locked_request(
    uow: UnitOfWork, request_id: int, allowed: tuple[str, ...], action: str
) -> ProcurementRequestRow:
    row = uow.session.get(ProcurementRequestRow, request_id, with_for_update=True)
    if row is None:
        raise ProcurementRequestNotFound(request_id)
    if row.status not in allowed:
        raise ProcurementStatusRefused(row.id, row.status, action)
    return row


def case_of_request(uow: UnitOfWork, row: ProcurementRequestRow) -> CaseRow:
    case = uow.session.get(CaseRow, row.case_id)
    assert case is not None
    return case


def approve(rt: Runtime, uow: UnitOfWork, command: ApproveProcurement) -> ProcurementChanged:
    """Approve within the budget. Above ``HOGATAR_PROCUREMENT_SECOND_APPROVAL_AMD`` the
    first approval fixes the amount and a second approver, another person, approves it
    after; nobody approves a request they made."""
    actor = require_actor(command.actor)
    problems = Collector()
    check_amd(command.amount_amd, "amount_amd", problems)
    problems.check()
    approver = staff_member(uow.session, actor)
    if approver.role not in APPROVER_ROLES:
        raise NotAllowedToApprove(approver.username, approver.role)
    row = locked_request(uow, command.request_id, ("requested",), "approved")
    if approver.username == row.requested_by.casefold():
        raise SecondApprovalRefused(
            row.id, f"{approver.username} requested it: another approver must"
        )
    amount = row.amount_amd if command.amount_amd is None else command.amount_amd
    threshold = rt.settings.procurement_second_approval_amd
    first = row.first_approved_by
    if first is not None:
        if approver.username == first:
            raise SecondApprovalRefused(
                row.id,
                f"{first} approved it first: above {amd(threshold)} a second approver, "
                "another person, approves it",
            )
        if amount != row.amount_amd:
            raise SecondApprovalRefused(
                row.id,
                f"{first} approved {amd(row.amount_amd)}: the second approval is for that "
                "amount (cancel the request to change it)",
            )
    check_budget(uow, rules=policies(), line=row.budget_line, case_id=row.case_id, amount=amount)
    now = rt.clock.now()
    row.amount_amd = amount
    if first is None and amount > threshold:
        row.first_approved_by = approver.username
        row.first_approved_at = now
        note_activity(
            uow,
            case=case_of_request(uow, row),
            kind="procurement_first_approved",
            actor=actor,
            now=now,
            data={"request_id": row.id, "amount_amd": amount, "threshold_amd": threshold},
        )
        uow.commit()
        return ProcurementChanged(row.id, row.status, awaiting_second_approval=True)
    row.status = "approved"
    row.approved_by = approver.username
    row.approved_at = now
    note_activity(
        uow,
        case=case_of_request(uow, row),
        kind="procurement_approved",
        actor=actor,
        now=now,
        data={"request_id": row.id, "amount_amd": amount}
        | ({"first_approved_by": first} if first else {}),
    )
    uow.commit()
    return ProcurementChanged(row.id, row.status)


def deliver(rt: Runtime, uow: UnitOfWork, command: DeliverProcurement) -> ProcurementChanged:
    """Goods arrived: the request is done and the case's planned service is delivered."""
    actor = require_actor(command.actor)
    row = locked_request(uow, command.request_id, ("ordered",), "delivered")
    now = rt.clock.now()
    row.status = "delivered"
    row.delivered_by = actor
    row.delivered_at = now
    deliver_service_in(
        rt,
        uow,
        DeliverService(
            planned_service_id=row.planned_service_id,
            actor=actor,
            delivered_on=command.delivered_on,
            quantity=row.quantity,
            cost_amd=row.amount_amd,
            notes=f"procurement request {row.id}",
            final=True,
        ),
    )
    uow.commit()
    return ProcurementChanged(row.id, row.status, row.purchase_order_id)


def cancel(rt: Runtime, uow: UnitOfWork, command: CancelProcurement) -> ProcurementChanged:
    actor = require_actor(command.actor)
    reason = clean(command.reason)
    problems = Collector()
    if not reason:
        problems.add("reason", "say why the request is cancelled")
    problems.check()
    row = locked_request(uow, command.request_id, ("requested", "approved"), "cancelled")
    now = rt.clock.now()
    row.status = "cancelled"
    row.cancelled_at = now
    row.cancel_reason = reason
    note_activity(
        uow,
        case=case_of_request(uow, row),
        kind="procurement_cancelled",
        actor=actor,
        now=now,
        reason=reason,
        data={"request_id": row.id},
    )
    uow.commit()
    return ProcurementChanged(row.id, row.status)


def request_goods_effect(context: EffectContext) -> Mapping[str, Any]:
    """``start_services``: request the goods of every planned service that needs them."""
    assert context.case_id is not None  # a transition's effect always has its case
    created = request_goods_for_case(
        context.runtime, context.uow, case_id=context.case_id, actor=SYSTEM_ACTOR
    )
    return {"request_ids": created}
