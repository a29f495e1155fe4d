"""The reminders room's part of "My work": the worker's reminders that are open (sent
or passed to the manager, not acknowledged) or due by the day asked, each linked to
where the work it reminds of is done."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import or_, select

from workflow.clock import ARMENIA_TIME, local_day
from workflow.programme.reminders.models import ReminderRow
from workflow.programme.reminders.queries import OPEN_REMINDERS
from workflow.programme.reminders.services import (
    APPROVAL_DECISION,
    ENROLMENT_DECISION,
    FOLLOW_UP,
    HOME_VISIT,
    PLAN_REVIEW,
)
from workflow.programme.shared.work import Worker, WorkItem
from workflow.runtime import Runtime

#: Where the work a reminder asks for is done; any other kind opens its case's reminders.
LINKS = {
    FOLLOW_UP: "/cases/{case_id}/forms/counselling",
    ENROLMENT_DECISION: "/cases/{case_id}",
    APPROVAL_DECISION: "/inbox#h-approvals",
    HOME_VISIT: "/cases/{case_id}/forms/visit",
    PLAN_REVIEW: "/cases/{case_id}/forms/review",
}


def my_reminders(rt: Runtime, worker: Worker | None, today: date, until: date) -> list[WorkItem]:
    end = datetime.combine(until, time.max, tzinfo=ARMENIA_TIME)
    query = select(ReminderRow).where(
        or_(
            ReminderRow.status.in_(OPEN_REMINDERS),
            (ReminderRow.status == "scheduled") & (ReminderRow.due_at <= end),
        )
    )
    if worker is not None:
        query = query.where(ReminderRow.recipient_id == worker.id)
    with rt.session_factory() as session:
        return [
            WorkItem(
                kind="reminder",
                due_on=local_day(row.due_at),
                link=LINKS.get(row.kind, "/cases/{case_id}#reminders").format(case_id=row.case_id),
                owner_id=row.recipient_id,
                case_id=row.case_id,
                detail={
                    "reminder_id": row.id,
                    "reminder_kind": row.kind,
                    "reminder_status": row.status,
                },
                key=(row.kind, row.case_id),
            )
            for row in session.scalars(query.order_by(ReminderRow.due_at, ReminderRow.id))
        ]
