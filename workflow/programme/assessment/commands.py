"""Recording an assessment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RecordAssessment:
    case_id: int
    actor: str
    assessor: str
    assessed_on: date
    risk_of_abandonment: bool
    risk_description: str | None = None
    criteria: tuple[str, ...] = ()
    notes: str | None = None
    expected_version: int | None = None
