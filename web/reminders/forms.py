"""Reading the acknowledgement of a reminder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.programme.reminders import AcknowledgeReminder


def acknowledge(values: Mapping[str, Any], *, reminder_id: int, actor: str) -> AcknowledgeReminder:
    return AcknowledgeReminder(reminder_id=reminder_id, actor=actor)
