"""Reminders, as the CLI and the web list them (overdue ones flagged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from workflow.clock import as_utc
from workflow.programme.reminders.models import ReminderRow
from workflow.programme.shared.values import iso_at
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime

#: Reminders that reached their recipient and wait for an acknowledgement.
OPEN_REMINDERS = ("sent", "escalated")


def _is_overdue(row: ReminderRow, now: datetime) -> bool:
    return row.status in OPEN_REMINDERS and as_utc(row.due_at) <= as_utc(now)


def overdue_reminders(rt: Runtime, *, recipient: str | None = None) -> list[dict[str, Any]]:
    """The one definition of an overdue reminder: sent or escalated, due, not acknowledged;
    everyone's, or one staff member's. The dashboard counts this list and the reminders
    page shows it, so the figure and the rows behind its link cannot disagree."""
    return list_reminders(rt, recipient=recipient, overdue_only=True)


def list_reminders(
    rt: Runtime,
    *,
    case_id: int | None = None,
    recipient: str | None = None,
    status: str | None = None,
    overdue_only: bool = False,
) -> list[dict[str, Any]]:
    now = rt.clock.now()
    query = select(ReminderRow, StaffRow).join(StaffRow, StaffRow.id == ReminderRow.recipient_id)
    if case_id is not None:
        query = query.where(ReminderRow.case_id == case_id)
    if recipient is not None:
        query = query.where(StaffRow.username == recipient.casefold())
    if status is not None:
        query = query.where(ReminderRow.status == status)
    if overdue_only:
        query = query.where(ReminderRow.status.in_(OPEN_REMINDERS), ReminderRow.due_at <= now)
    with rt.session_factory() as session:
        return [
            {
                "id": r.id,
                "case_id": r.case_id,
                "kind": r.kind,
                "status": r.status,
                "recipient": s.username,
                "due_at": iso_at(r.due_at),
                "sent_at": iso_at(r.sent_at),
                "escalated_at": iso_at(r.escalated_at),
                "acknowledged_at": iso_at(r.acknowledged_at),
                "acknowledged_by": r.acknowledged_by,
                "cancelled_at": iso_at(r.cancelled_at),
                "cancel_reason": r.cancel_reason,
                "overdue": _is_overdue(r, now),
            }
            for r, s in session.execute(query.order_by(ReminderRow.due_at, ReminderRow.id))
        ]
