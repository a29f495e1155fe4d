"""The background work of reminders: the mail when one falls due, the escalation
when nobody acknowledged it. Each runs once per outbox row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.clock import local_day
from workflow.programme.counselling import CounsellingSessionRow
from workflow.programme.inbox import add_inbox_item, escalate_to, note_done, send_mail
from workflow.programme.reminders.errors import ReminderNotFound
from workflow.programme.reminders.models import ReminderRow
from workflow.programme.reminders.services import TEMPLATES
from workflow.programme.shared.policies import policies
from workflow.programme.staff import StaffRow
from workflow.runtime import EffectContext


def _reminder(context: EffectContext) -> ReminderRow:
    row = context.session.get(
        ReminderRow, int(context.payload["reminder_id"]), with_for_update=True
    )
    if row is None:
        raise ReminderNotFound(int(context.payload["reminder_id"]))
    return row


def _values(context: EffectContext, row: ReminderRow, staff: StaffRow) -> dict[str, Any]:
    session = context.session.get(CounsellingSessionRow, row.session_id) if row.session_id else None
    return {
        "case_number": row.case_id,
        "staff_name": staff.full_name,
        "due_on": local_day(row.due_at),
        "last_session_on": session.held_on if session else local_day(row.created_at),
        "assessed_on": local_day(row.created_at),
    }


def send_reminder(context: EffectContext) -> Mapping[str, Any]:
    row = _reminder(context)
    if row.status != "sending":  # cancelled while queued, or already sent
        return {"reminder_id": row.id, "skipped": row.status}
    staff = context.session.get(StaffRow, row.recipient_id)
    assert staff is not None
    message_id = None
    if staff.email:
        message_id = send_mail(
            context,
            template=TEMPLATES[row.kind][0],
            to=staff.email,
            language=staff.language,
            values=_values(context, row, staff),
            key_parts=("reminder", row.id),
        )
    add_inbox_item(
        context, staff_id=staff.id, case_id=row.case_id, kind=row.kind, reminder_id=row.id
    )
    row.status = "sent"
    row.sent_at = context.now
    row.escalation_due_at = context.now + policies().reminder_escalate_after
    _note(context, row, "reminder_sent", {"to": staff.username, "message_id": message_id})
    return {"reminder_id": row.id, "to": staff.username, "message_id": message_id}


def escalate_reminder(context: EffectContext) -> Mapping[str, Any]:
    row = _reminder(context)
    manager = context.session.get(StaffRow, int(context.payload["manager_id"]))
    if row.status != "escalated" or manager is None or not manager.active:
        return {"reminder_id": row.id, "skipped": row.status}
    staff = context.session.get(StaffRow, row.recipient_id)
    assert staff is not None
    values = _values(context, row, staff) | {
        "manager_name": manager.full_name,
        "reminded_on": local_day(row.sent_at or row.due_at),
    }
    message_id = escalate_to(
        context,
        manager,
        template=TEMPLATES[row.kind][1],
        values=values,
        key_parts=("reminder-escalation", row.id, manager.id),
        case_id=row.case_id,
        kind="reminder_escalation",
        reminder_id=row.id,
    )
    _note(context, row, "reminder_escalated", {"manager": manager.username})
    return {"reminder_id": row.id, "manager": manager.username, "message_id": message_id}


def _note(context: EffectContext, row: ReminderRow, kind: str, data: dict[str, Any]) -> None:
    note_done(context, row.case_id, kind, {"reminder_id": row.id, **data})
