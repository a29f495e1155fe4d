"""Reminders a page looks up: one by id, the overdue ones of a staff member's cases."""

from __future__ import annotations

from typing import Any

from web.shared.lookups import case_of_row
from web.shared.permissions import Permission, allowed
from workflow.programme import reminders as programme_reminders
from workflow.programme.reminders import ReminderNotFound, ReminderRow
from workflow.runtime import Runtime


def overdue_reminders_for(rt: Runtime, role: str, username: str) -> list[dict[str, Any]]:
    """The overdue reminders a staff member answers for: the team's for those who oversee
    reminders, else their own. The dashboard counts these rows, the reminders page lists them."""
    everyone = allowed(role, Permission.OVERSEE_REMINDERS)
    return programme_reminders.overdue_reminders(rt, recipient=None if everyone else username)


def reminder(rt: Runtime, reminder_id: int) -> dict[str, Any]:
    case_id = case_of_row(
        rt, ReminderRow.case_id, ReminderRow.id, reminder_id, ReminderNotFound(reminder_id)
    )
    rows = programme_reminders.list_reminders(rt, case_id=case_id)
    return next(row for row in rows if row["id"] == reminder_id)
