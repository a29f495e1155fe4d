"""The service plan of a case, its deliveries and the family's income sources.

A planned service moves planned -> in_progress -> delivered, or is cancelled on the way;
delivered and cancelled are final. Every step is also a timeline entry of its case.
"""

from __future__ import annotations

from typing import Any

from workflow.activity import require_actor
from workflow.errors import InvalidInput
from workflow.persistence.models import CaseRow
from workflow.programme.plans.commands import (
    CancelService,
    DeliverService,
    PlanService,
    RecordIncome,
    ServicePlanned,
    StartService,
)
from workflow.programme.plans.errors import PlannedServiceNotFound, ServiceStatusRefused
from workflow.programme.plans.models import DeliveryRow, IncomeSourceRow, PlannedServiceRow
from workflow.programme.shared.cases import (
    PLAN_WORKFLOWS,
    CaseFileChanged,
    case_for_change,
    not_in_future,
    record_change,
)
from workflow.programme.shared.reference import codes, reference
from workflow.programme.shared.values import Collector, check_amd
from workflow.programme.staff import staff_member
from workflow.runtime import Runtime
from workflow.services import react
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

#: Which statuses each step may start from.
STEPS = {
    "start": ("planned",),
    "deliver": ("planned", "in_progress"),
    "cancel": ("planned", "in_progress"),
}


def plan_service(rt: Runtime, uow: UnitOfWork, command: PlanService) -> CaseFileChanged:
    actor = require_actor(command.actor)
    catalogue = reference().services
    problems = Collector()
    service = catalogue.get(command.service)
    if service is None:
        problems.add(
            "service",
            f"{command.service!r} is not in the catalogue; known: " + ", ".join(catalogue),
        )
    partner = clean(command.provider_partner)
    if command.provider_staff is None and partner is None:
        problems.add("provider", "give the provider: a staff member or a partner organisation")
    funder = clean(command.funder)
    check_amd(command.funded_amount_amd, "funded_amount_amd", problems)
    if service is not None and service.funded and (funder is None or not command.funded_amount_amd):
        problems.add(
            "funder",
            f"{service.label()} is paid by resource mobilisation: give the funder and the "
            "amount in dram",
        )
    problems.check()
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    provider = staff_member(uow.session, command.provider_staff) if command.provider_staff else None
    now = rt.clock.now()
    row = PlannedServiceRow(
        case_id=case.id,
        service=command.service,
        status="planned",
        target_date=command.target_date,
        provider_staff_id=provider.id if provider else None,
        provider_partner=partner,
        funder=funder,
        funded_amount_amd=command.funded_amount_amd,
        notes=clean(command.notes),
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    data: dict[str, Any] = {
        "planned_service_id": row.id,
        "service": row.service,
        "target_date": row.target_date.isoformat() if row.target_date else None,
        "provider": provider.username if provider else partner,
    }
    if funder:
        data |= {"funder": funder, "funded_amount_amd": row.funded_amount_amd}
    version = record_change(rt, uow, case=case, trigger="plan_service", actor=actor, data=data)
    # Goods added to a plan already under way are requested for procurement at once.
    react(rt, uow, ServicePlanned(case=case, planned=row, actor=actor))
    uow.commit()
    return CaseFileChanged(case.id, "plan_service", version, row.id)


def _planned(
    rt: Runtime,
    uow: UnitOfWork,
    planned_service_id: int,
    step: str,
    done: str,
    expected_version: int | None,
) -> tuple[PlannedServiceRow, CaseRow]:
    row = uow.session.get(PlannedServiceRow, planned_service_id)
    if row is None:
        raise PlannedServiceNotFound(planned_service_id)
    case = case_for_change(rt, uow, row.case_id, expected_version, workflows=PLAN_WORKFLOWS)
    if row.status not in STEPS[step]:
        raise ServiceStatusRefused(row.id, row.status, done)
    return row, case


def start_service(rt: Runtime, uow: UnitOfWork, command: StartService) -> CaseFileChanged:
    actor = require_actor(command.actor)
    row, case = _planned(
        rt, uow, command.planned_service_id, "start", "started", command.expected_version
    )
    row.status = "in_progress"
    row.updated_at = rt.clock.now()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="start_service",
        actor=actor,
        data={"planned_service_id": row.id, "service": row.service},
    )
    uow.commit()
    return CaseFileChanged(case.id, "start_service", version, row.id)


def deliver_service(rt: Runtime, uow: UnitOfWork, command: DeliverService) -> CaseFileChanged:
    """A delivery record; the last one (``final``) marks the service delivered."""
    changed = deliver_service_in(rt, uow, command)
    uow.commit()
    return changed


def deliver_service_in(rt: Runtime, uow: UnitOfWork, command: DeliverService) -> CaseFileChanged:
    """As ``deliver_service``, inside the caller's unit of work (procurement records the
    delivery of goods together with closing its request)."""
    actor = require_actor(command.actor)
    problems = Collector()
    check_amd(command.cost_amd, "cost_amd", problems, required=True)
    if (
        isinstance(command.quantity, bool)
        or not isinstance(command.quantity, int)
        or (command.quantity < 1)
    ):
        problems.add("quantity", f"must be a whole number of at least 1 (got {command.quantity!r})")
    not_in_future(rt, command.delivered_on, "delivered_on", problems)
    problems.check()
    row, case = _planned(
        rt, uow, command.planned_service_id, "deliver", "delivered", command.expected_version
    )
    now = rt.clock.now()
    delivery = DeliveryRow(
        planned_service_id=row.id,
        delivered_on=command.delivered_on,
        quantity=command.quantity,
        cost_amd=command.cost_amd,
        notes=clean(command.notes),
        recorded_by=actor,
        recorded_at=now,
    )
    uow.session.add(delivery)
    row.status = "delivered" if command.final else "in_progress"
    row.updated_at = now
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_delivery",
        actor=actor,
        data={
            "planned_service_id": row.id,
            "service": row.service,
            "delivery_id": delivery.id,
            "delivered_on": delivery.delivered_on.isoformat(),
            "quantity": delivery.quantity,
            "cost_amd": delivery.cost_amd,
            "status": row.status,
        },
    )
    return CaseFileChanged(case.id, "record_delivery", version, delivery.id)


def cancel_service(rt: Runtime, uow: UnitOfWork, command: CancelService) -> CaseFileChanged:
    actor = require_actor(command.actor)
    reason = clean(command.reason)
    if reason is None:
        raise InvalidInput("a reason is required to cancel a planned service")
    row, case = _planned(
        rt, uow, command.planned_service_id, "cancel", "cancelled", command.expected_version
    )
    row.status = "cancelled"
    row.cancel_reason = reason
    row.updated_at = rt.clock.now()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="cancel_service",
        actor=actor,
        reason=reason,
        data={"planned_service_id": row.id, "service": row.service},
    )
    uow.commit()
    return CaseFileChanged(case.id, "cancel_service", version, row.id)


def record_income(rt: Runtime, uow: UnitOfWork, command: RecordIncome) -> CaseFileChanged:
    actor = require_actor(command.actor)
    problems = Collector()
    kinds = codes(reference().income_kinds)
    if command.kind not in kinds:
        problems.add("kind", f"{command.kind!r} is not one of: {', '.join(kinds)}")
    check_amd(command.monthly_amount_amd, "monthly_amount_amd", problems)
    not_in_future(rt, command.started_on, "started_on", problems)
    problems.check()
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    row = IncomeSourceRow(
        case_id=case.id,
        kind=command.kind,
        started_on=command.started_on,
        description=clean(command.description),
        monthly_amount_amd=command.monthly_amount_amd,
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_income",
        actor=actor,
        data={"income_id": row.id, "kind": row.kind, "started_on": row.started_on.isoformat()},
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_income", version, row.id)
