"""Commands (imperative: what someone asks for) and events (past tense: what happened)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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


@dataclass(frozen=True)
class DecideApproval:
    """Approve or reject the tier an approval request awaits (reject needs a reason)."""

    approval_id: int
    decision: str  # "approve" | "reject"
    actor: str
    reason: str | None = None


@dataclass(frozen=True)
class CancelApproval:
    """The requester withdraws a pending approval request."""

    approval_id: int
    actor: str
    reason: str | None = None


@dataclass(frozen=True)
class ApprovalRequested:
    """Firing a transition that needs approval recorded a request: the case did not move."""

    approval_id: int
    case_id: int
    trigger: str
    #: The role whose decision is awaited now, its place (1-based) among ``tiers``.
    awaiting: str
    tier: int
    tiers: tuple[str, ...]
    deadline_at: datetime


@dataclass(frozen=True)
class ApprovalAwaiting:
    """Announced to the features (reactions) when a tier starts waiting: at the request
    and after each approval but the last. ``excluded`` may not decide it."""

    approval_id: int
    case_id: int
    role: str
    tier: int
    deadline_at: datetime
    excluded: tuple[str, ...]
    actor: str


@dataclass(frozen=True)
class ApprovalClosed:
    """Announced when a request stops waiting: approved, rejected, cancelled, lapsed."""

    approval_id: int
    case_id: int
    status: str
    actor: str


@dataclass(frozen=True)
class ApprovalDecided:
    """What a decision did: the request's status now, the role awaited next (if any) and
    the transition fired by the last approval (if that was it)."""

    approval_id: int
    case_id: int
    status: str
    awaiting: str | None = None
    advanced: CaseAdvanced | None = None
