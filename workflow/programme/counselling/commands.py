"""Recording a counselling session, and what it announces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RecordCounselling:
    kind: str  # individual | group
    case_ids: tuple[int, ...]
    psychologist: str
    held_on: date
    actor: str
    follow_up_needed: bool = False
    notes: str | None = None


@dataclass(frozen=True)
class CounsellingHeld:
    """Announced inside the recording transaction; carries rows, so it is never queued."""

    session: Any  # CounsellingSessionRow
    cases: tuple[Any, ...]  # CaseRow
    actor: str


@dataclass(frozen=True)
class CounsellingRecorded:
    session_id: int
    case_ids: tuple[int, ...]
