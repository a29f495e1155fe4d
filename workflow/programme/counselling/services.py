"""Counselling sessions: recording one (one family or a group), which announces
``CounsellingHeld`` for the reminders, and a session as one delivery of the plan's
counselling service. Every session is also a timeline entry of each case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workflow.activity import require_actor
from workflow.persistence.models import CaseRow
from workflow.programme.counselling.commands import (
    CounsellingHeld,
    CounsellingRecorded,
    RecordCounselling,
)
from workflow.programme.counselling.models import CounsellingParticipantRow, CounsellingSessionRow
from workflow.programme.plans import STEPS, DeliveryRow, PlannedServiceRow
from workflow.programme.shared.cases import case_for_change, not_in_future, record_change
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Collector
from workflow.programme.staff import staff_member
from workflow.runtime import Runtime
from workflow.services import react
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

COUNSELLING_KINDS = ("individual", "group")


def record_counselling(
    rt: Runtime, uow: UnitOfWork, command: RecordCounselling
) -> CounsellingRecorded:
    """One session on the timeline of every family in it (a group links several)."""
    actor = require_actor(command.actor)
    problems = Collector()
    case_ids = tuple(dict.fromkeys(command.case_ids))
    if command.kind not in COUNSELLING_KINDS:
        problems.add("kind", f"{command.kind!r} is not one of: {', '.join(COUNSELLING_KINDS)}")
    elif command.kind == "individual" and len(case_ids) != 1:
        problems.add("cases", "an individual session is with exactly one family")
    elif command.kind == "group" and len(case_ids) < 2:
        problems.add("cases", "a group session links at least two families")
    not_in_future(rt, command.held_on, "held_on", problems)
    problems.check()
    cases = [case_for_change(rt, uow, case_id, None) for case_id in case_ids]
    psychologist = staff_member(uow.session, command.psychologist, role="psychologist")
    session_row = CounsellingSessionRow(
        kind=command.kind,
        psychologist_id=psychologist.id,
        held_on=command.held_on,
        follow_up_needed=command.follow_up_needed,
        notes=clean(command.notes),
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(session_row)
    uow.session.flush()
    uow.session.add_all(
        CounsellingParticipantRow(session_id=session_row.id, case_id=case.id) for case in cases
    )
    for case in cases:
        data: dict[str, Any] = {
            "session_id": session_row.id,
            "kind": command.kind,
            "psychologist": psychologist.username,
            "held_on": command.held_on.isoformat(),
            "follow_up_needed": command.follow_up_needed,
            "families": len(cases),
        }
        delivery = session_as_delivery(rt, uow, case=case, session=session_row, actor=actor)
        if delivery is not None:
            data |= {
                "planned_service_id": delivery.planned_service_id,
                "delivery_id": delivery.id,
                "cost_amd": delivery.cost_amd,
            }
        record_change(rt, uow, case=case, trigger="record_counselling", actor=actor, data=data)
    # This session is the follow-up of what was waiting; if it needs one, remind in time.
    react(rt, uow, CounsellingHeld(session=session_row, cases=tuple(cases), actor=actor))
    uow.commit()
    return CounsellingRecorded(session_id=session_row.id, case_ids=case_ids)


def session_as_delivery(
    rt: Runtime, uow: UnitOfWork, *, case: CaseRow, session: CounsellingSessionRow, actor: str
) -> DeliveryRow | None:
    """A session held while the case's plan has the counselling service of its kind open
    (planned or in progress) is one delivery of that service: its date, one session, the
    catalogue's cost per session. The service stays in progress (counselling is a series;
    whoever ends it marks it delivered); without such a service the session is only a
    session, the plan is left alone."""
    kinds = {
        code
        for code, service in reference().services.items()
        if service.session_kind == session.kind
    }
    if not kinds:
        return None
    planned = uow.session.scalar(
        select(PlannedServiceRow)
        .where(
            PlannedServiceRow.case_id == case.id,
            PlannedServiceRow.service.in_(kinds),
            PlannedServiceRow.status.in_(STEPS["deliver"]),
        )
        .order_by(PlannedServiceRow.id)
        .limit(1)
    )
    if planned is None:
        return None
    now = rt.clock.now()
    delivery = DeliveryRow(
        planned_service_id=planned.id,
        delivered_on=session.held_on,
        quantity=1,
        cost_amd=reference().services[planned.service].session_cost_amd,
        recorded_by=actor,
        recorded_at=now,
        counselling_session_id=session.id,
    )
    uow.session.add(delivery)
    planned.status = "in_progress"
    planned.updated_at = now
    uow.session.flush()
    return delivery
