"""The face of reminders/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.reminders.commands import AcknowledgeReminder, SweepReminders
from workflow.programme.reminders.errors import ReminderNotFound, ReminderNotOpen
from workflow.programme.reminders.models import ReminderRow
from workflow.programme.reminders.queries import OPEN_REMINDERS, list_reminders, overdue_reminders
from workflow.programme.reminders.services import CLOSED, ENROLMENT_DECIDED, FOLLOW_UP_RECORDED

__all__ = [
    "AcknowledgeReminder",
    "CLOSED",
    "ENROLMENT_DECIDED",
    "FOLLOW_UP_RECORDED",
    "OPEN_REMINDERS",
    "ReminderNotFound",
    "ReminderNotOpen",
    "ReminderRow",
    "SweepReminders",
    "list_reminders",
    "overdue_reminders",
]
