"""Follow-up and decision reminders: scheduling, the sweep, acknowledgement.

scheduled -> sending -> sent -> acknowledged | escalated;  scheduled | sent -> cancelled

A counselling session that needs a follow-up schedules a reminder row with ``due_at``
(by session kind, from config/programme/effects.toml). Beat sweeps due rows every
minute and claims them in one transaction (``FOR UPDATE SKIP LOCKED``, status
``sending``) together with the outbox row of the ``reminders.send`` effect, so two
schedulers never send one reminder twice and a restart loses none. Recording the
follow-up session, or closing the case, cancels what is still waiting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from workflow.activity import note_activity, require_actor
from workflow.clock import ARMENIA_TIME, local_day
from workflow.persistence.models import CaseRow
from workflow.programme.counselling import CounsellingHeld, CounsellingSessionRow
from workflow.programme.families import FamilyRow
from workflow.programme.inbox import SYSTEM_ACTOR, InboxItemRow, active_managers, mark_inbox_read
from workflow.programme.reminders.commands import (
    AcknowledgeReminder,
    ReminderAcknowledged,
    SweepReminders,
)
from workflow.programme.reminders.errors import ReminderNotFound, ReminderNotOpen
from workflow.programme.reminders.models import ReminderRow
from workflow.programme.shared.policies import policies
from workflow.runtime import EffectContext, Runtime
from workflow.services import enqueue_effect
from workflow.unit_of_work import UnitOfWork

FAMILY_WORKFLOW = "family_case"
FOLLOW_UP = "counselling_follow_up"
ENROLMENT_DECISION = "enrolment_decision"
#: A foster family's next monitoring visit (workflow/programme/foster_care schedules it).
FOSTER_MONITORING_VISIT = "foster_monitoring_visit"
#: A pending approval request awaiting a tier (workflow/programme/approvals schedules it).
APPROVAL_DECISION = "approval_decision"
#: A document of the case expires soon (workflow/programme/documents schedules it).
DOCUMENT_EXPIRY = "document_expiry"
#: kind -> (mail template to the recipient, mail template of the escalation)
TEMPLATES = {
    FOLLOW_UP: ("counselling_follow_up", "counselling_escalation"),
    ENROLMENT_DECISION: ("enrolment_decision", "enrolment_decision_escalation"),
    FOSTER_MONITORING_VISIT: ("foster_monitoring_visit", "foster_monitoring_visit_escalation"),
    APPROVAL_DECISION: ("approval_decision", "approval_decision_escalation"),
    DOCUMENT_EXPIRY: ("document_expiry", "document_expiry_escalation"),
}
#: A family's next home visit and its plan's review (workflow/programme/visits schedules them).
HOME_VISIT = "home_visit_due"
PLAN_REVIEW = "plan_review_due"
TEMPLATES[HOME_VISIT] = ("home_visit_due", "home_visit_due_escalation")
TEMPLATES[PLAN_REVIEW] = ("plan_review_due", "plan_review_due_escalation")
WAITING = ("scheduled", "sending", "sent")
#: Reminders fall due at the start of the working day, Armenian time.
WORKDAY_STARTS = time(9, 0)


def recipient_for(uow: UnitOfWork, case_id: int, session: CounsellingSessionRow) -> int:
    """The family's psychologist, else its social worker, else the session's psychologist."""
    family = uow.session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
    if family is not None:
        for staff_id in (family.psychologist_id, family.social_worker_id):
            if staff_id is not None:
                return staff_id
    return session.psychologist_id


#: Why the programme itself cancelled waiting reminders. Stored as codes (the reminder's
#: cancel reason, the timeline's reason) so each reader sees them in their own language.
CLOSED = "case_closed"
ENROLMENT_DECIDED = "enrolment_decided"
FOLLOW_UP_RECORDED = "follow_up_recorded"
APPROVAL_DECIDED = "approval_decided"


def cancel_waiting(
    rt: Runtime,
    uow: UnitOfWork,
    *,
    case: CaseRow,
    reason: str,
    actor: str,
    kinds: tuple[str, ...] = tuple(TEMPLATES),
    approval_id: int | None = None,
) -> list[int]:
    """Cancel the case's reminders (of these kinds; of this approval request) still
    waiting to be sent or answered."""
    now = rt.clock.now()
    query = select(ReminderRow).where(
        ReminderRow.case_id == case.id,
        ReminderRow.status.in_(WAITING),
        ReminderRow.kind.in_(kinds),
    )
    if approval_id is not None:
        query = query.where(ReminderRow.approval_id == approval_id)
    rows = uow.session.scalars(query.with_for_update()).all()
    for row in rows:
        row.status = "cancelled"
        row.cancelled_at = now
        row.cancel_reason = reason
        row.escalation_due_at = None
    if rows:
        note_activity(
            uow,
            case=case,
            kind="reminders_cancelled",
            actor=actor,
            now=now,
            reason=reason,
            data={"reminder_ids": [row.id for row in rows]},
        )
    return [row.id for row in rows]


def after_counselling(rt: Runtime, uow: UnitOfWork, event: CounsellingHeld) -> None:
    """A session was recorded: it is the follow-up of what was waiting; if it needs one
    itself, schedule the reminder. Runs in the recording's transaction."""
    session: CounsellingSessionRow = event.session
    cases: Iterable[CaseRow] = event.cases
    actor = event.actor
    for case in cases:
        cancel_waiting(
            rt,
            uow,
            case=case,
            reason=FOLLOW_UP_RECORDED,
            actor=actor,
            kinds=(FOLLOW_UP,),
        )
        if not session.follow_up_needed:
            continue
        due_day = session.held_on + policies().follow_up_after[session.kind]
        row = ReminderRow(
            case_id=case.id,
            kind=FOLLOW_UP,
            session_id=session.id,
            recipient_id=recipient_for(uow, case.id, session),
            status="scheduled",
            due_at=datetime.combine(due_day, WORKDAY_STARTS, tzinfo=ARMENIA_TIME),
            created_at=rt.clock.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        note_activity(
            uow,
            case=case,
            kind="reminder_scheduled",
            actor=actor,
            now=rt.clock.now(),
            data={"reminder_id": row.id, "due_on": due_day.isoformat()},
        )


def on_transition(
    rt: Runtime, uow: UnitOfWork, case: CaseRow, from_state: str, to_state: str, actor: str
) -> None:
    """Transition listener: a closed case needs no more reminders, and a case that left
    'assessed' no longer waits for its enrolment decision. Other moves cost no query."""
    if case.workflow != FAMILY_WORKFLOW:
        return
    if to_state == "closed":
        cancel_waiting(rt, uow, case=case, reason=CLOSED, actor=actor)
    elif from_state == "assessed":
        cancel_waiting(
            rt,
            uow,
            case=case,
            reason=ENROLMENT_DECIDED,
            actor=actor,
            kinds=(ENROLMENT_DECISION,),
        )


def schedule_reminder(
    uow: UnitOfWork,
    *,
    case: CaseRow,
    kind: str,
    recipient_id: int,
    due_day: date,
    actor: str,
    now: datetime,
    approval_id: int | None = None,
) -> ReminderRow:
    """A reminder of ``kind`` for ``recipient_id``, due at the start of ``due_day``, in the
    caller's transaction; beat's sweep sends it like every other reminder. Features with
    reminders of their own (a foster family's monitoring visits) schedule them here."""
    if kind not in TEMPLATES:
        raise ValueError(f"no mail templates for reminders of kind {kind!r}")
    row = ReminderRow(
        case_id=case.id,
        kind=kind,
        session_id=None,
        approval_id=approval_id,
        recipient_id=recipient_id,
        status="scheduled",
        due_at=datetime.combine(due_day, WORKDAY_STARTS, tzinfo=ARMENIA_TIME),
        created_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    note_activity(
        uow,
        case=case,
        kind="reminder_scheduled",
        actor=actor,
        now=now,
        data={"reminder_id": row.id, "kind": kind, "due_on": due_day.isoformat()},
    )
    return row


def schedule_enrolment_decision(context: EffectContext) -> Mapping[str, Any]:
    """Effect of ``assess``: remind the social worker to decide on enrolment in time."""
    case = context.session.get(CaseRow, context.case_id)
    assert case is not None
    if case.state != "assessed":  # decided already, before this effect ran
        return {"skipped": case.state}
    family = context.session.scalar(select(FamilyRow).where(FamilyRow.case_id == case.id))
    recipient = family.social_worker_id if family is not None else None
    if recipient is None:
        managers = active_managers(context.session)
        if not managers:
            return {"skipped": "no social worker or manager to remind"}
        recipient = managers[0].id
    due_day = local_day(context.now) + policies().enrolment_decision_within
    row = ReminderRow(
        case_id=case.id,
        kind=ENROLMENT_DECISION,
        session_id=None,
        recipient_id=recipient,
        status="scheduled",
        due_at=datetime.combine(due_day, WORKDAY_STARTS, tzinfo=ARMENIA_TIME),
        created_at=context.now,
    )
    context.session.add(row)
    context.session.flush()
    note_activity(
        context.uow,
        case=case,
        kind="reminder_scheduled",
        actor=SYSTEM_ACTOR,
        now=context.now,
        data={"reminder_id": row.id, "kind": ENROLMENT_DECISION, "due_on": due_day.isoformat()},
    )
    return {"reminder_id": row.id, "due_on": due_day.isoformat()}


def sweep_reminders(rt: Runtime, uow: UnitOfWork, command: SweepReminders) -> dict[str, int]:
    """Claim due reminders and overdue acknowledgements; queue their effects."""
    now = rt.clock.now()
    due = uow.session.scalars(
        select(ReminderRow)
        .where(ReminderRow.status == "scheduled", ReminderRow.due_at <= now)
        .order_by(ReminderRow.due_at, ReminderRow.id)
        .limit(500)
        .with_for_update(skip_locked=True)
    ).all()
    for row in due:
        row.status = "sending"
        enqueue_effect(
            rt,
            uow,
            case_id=row.case_id,
            event_id=None,
            effect="reminders.send",
            payload={"reminder_id": row.id},
            now=now,
        )
    overdue = uow.session.scalars(
        select(ReminderRow)
        .where(ReminderRow.status == "sent", ReminderRow.escalation_due_at <= now)
        .order_by(ReminderRow.id)
        .limit(500)
        .with_for_update(skip_locked=True)
    ).all()
    managers = active_managers(uow.session)
    for row in overdue:
        row.status = "escalated"
        row.escalated_at = now
        row.escalation_due_at = None
        for manager in managers:
            enqueue_effect(
                rt,
                uow,
                case_id=row.case_id,
                event_id=None,
                effect="reminders.escalate",
                payload={"reminder_id": row.id, "manager_id": manager.id},
                now=now,
            )
    uow.commit()
    return {"sent": len(due), "escalated": len(overdue)}


def acknowledge_reminder(
    rt: Runtime, uow: UnitOfWork, command: AcknowledgeReminder
) -> ReminderAcknowledged:
    actor = require_actor(command.actor)
    row = uow.session.get(ReminderRow, command.reminder_id, with_for_update=True)
    if row is None:
        raise ReminderNotFound(command.reminder_id)
    if row.status not in ("sent", "escalated"):
        raise ReminderNotOpen(row.id, row.status)
    now = rt.clock.now()
    row.status = "acknowledged"
    row.acknowledged_at = now
    row.acknowledged_by = actor
    row.escalation_due_at = None
    mark_inbox_read(uow.session, now, InboxItemRow.reminder_id == row.id)
    case = uow.session.get(CaseRow, row.case_id)
    assert case is not None
    note_activity(
        uow,
        case=case,
        kind="reminder_acknowledged",
        actor=actor,
        now=now,
        data={"reminder_id": row.id},
    )
    uow.commit()
    return ReminderAcknowledged(row.id)
