"""Commands (imperative: what someone asks for) and events (past tense: what happened)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OpenCase:
    actor: str
    workflow: str = "family_case"
    family_name: str | None = None
    community: str | None = None


@dataclass(frozen=True)
class AdvanceCase:
    case_id: int
    trigger: str
    actor: str
    reason: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    #: The version the actor saw; None means "whatever it is now" (still checked atomically).
    expected_version: int | None = None


@dataclass(frozen=True)
class RetryIncident:
    incident_id: int
    actor: str


@dataclass(frozen=True)
class SkipIncident:
    """Resolve an incident without running its effect (it was done by hand, or is no
    longer wanted); the reason is required and goes on the case's timeline."""

    incident_id: int
    actor: str
    reason: str


@dataclass(frozen=True)
class CaseOpened:
    case_id: int
    state: str
    version: int


@dataclass(frozen=True)
class CaseAdvanced:
    case_id: int
    trigger: str
    from_state: str
    to_state: str
    version: int
    event_id: int
    outbox_ids: tuple[int, ...]


@dataclass(frozen=True)
class IncidentRetried:
    incident_id: int
    outbox_id: int


@dataclass(frozen=True)
class IncidentSkipped:
    incident_id: int
    outbox_id: int
