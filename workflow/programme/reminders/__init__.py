"""The face of reminders/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.reminders.commands import AcknowledgeReminder, SweepReminders
from workflow.programme.reminders.errors import ReminderNotFound, ReminderNotOpen
from workflow.programme.reminders.metrics import reminder_metrics
from workflow.programme.reminders.models import ReminderRow
from workflow.programme.reminders.queries import OPEN_REMINDERS, list_reminders, overdue_reminders
from workflow.programme.reminders.services import (
    APPROVAL_DECIDED,
    APPROVAL_DECISION,
    CLOSED,
    DOCUMENT_EXPIRY,
    ENROLMENT_DECIDED,
    FOLLOW_UP_RECORDED,
    FOSTER_MONITORING_VISIT,
    HOME_VISIT,
    PLAN_REVIEW,
    cancel_waiting,
    schedule_reminder,
)

__all__ = [
    "APPROVAL_DECIDED",
    "APPROVAL_DECISION",
    "AcknowledgeReminder",
    "CLOSED",
    "DOCUMENT_EXPIRY",
    "ENROLMENT_DECIDED",
    "FOLLOW_UP_RECORDED",
    "FOSTER_MONITORING_VISIT",
    "HOME_VISIT",
    "OPEN_REMINDERS",
    "PLAN_REVIEW",
    "ReminderNotFound",
    "ReminderNotOpen",
    "ReminderRow",
    "SweepReminders",
    "cancel_waiting",
    "list_reminders",
    "overdue_reminders",
    "reminder_metrics",
    "schedule_reminder",
]
