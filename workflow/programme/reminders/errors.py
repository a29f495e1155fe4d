"""Refusals about reminders."""

from __future__ import annotations

from workflow.errors import InvalidInput, NotFound


class ReminderNotFound(NotFound):
    def __init__(self, reminder_id: int) -> None:
        super().__init__(f"reminder {reminder_id} does not exist")


class ReminderNotOpen(InvalidInput):
    def __init__(self, reminder_id: int, status: str) -> None:
        super().__init__(f"reminder {reminder_id} is {status}: there is nothing to acknowledge")
