"""Commands about reminders, and what they return."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AcknowledgeReminder:
    reminder_id: int
    actor: str


@dataclass(frozen=True)
class ReminderAcknowledged:
    reminder_id: int


@dataclass(frozen=True)
class SweepReminders:
    """Beat, every minute: send due reminders, escalate unacknowledged ones."""
