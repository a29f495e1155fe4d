"""Commands of the foster-care pilot: the inquiry that opens a foster family's case, and
the record of each step on its way to a placement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RegisterInquiry:
    """A family asks to foster a child: its case is opened in the ``inquiry`` state."""

    actor: str
    family_name: str
    community: str
    adults: int
    phone: str | None = None
    address: str | None = None
    children_in_household: int = 0
    motivation: str | None = None
    inquiry_source: str | None = None


@dataclass(frozen=True)
class RecordApplication:
    case_id: int
    actor: str
    submitted_on: date
    documents: tuple[str, ...] = ()
    notes: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordHomeAssessment:
    case_id: int
    actor: str
    assessor: str
    assessed_on: date
    outcome: str
    recommendation: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordTraining:
    case_id: int
    actor: str
    held_on: date
    modules: tuple[str, ...]
    trainer: str
    notes: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordCommissionDecision:
    """The commission's decision; a refusal closes the case in the same transaction."""

    case_id: int
    actor: str
    approved: bool
    decision_number: str
    decided_on: date
    notes: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordMatch:
    case_id: int
    actor: str
    child_reference: str
    child_initials: str
    child_age: int
    matched_on: date
    notes: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordPlacement:
    case_id: int
    actor: str
    placed_on: date
    notes: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordMonitoringVisit:
    """A visit; the next one is due on ``next_visit_due`` (or after the configured
    interval), and its reminder replaces the one waiting."""

    case_id: int
    actor: str
    visitor: str
    visited_on: date
    observations: str
    next_visit_due: date | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class InquiryRegistered:
    case_id: int
    foster_family_id: int
    version: int
