"""Recording a home visit, the plan's goals and its reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RecordVisit:
    case_id: int
    actor: str
    visited_on: date
    #: Usernames of the staff who went (one or more).
    visitors: tuple[str, ...]
    observations: str
    #: Household members met, by their ids; anyone else met, in words.
    met_members: tuple[int, ...] = ()
    met_others: str | None = None
    next_visit_due: date | None = None


@dataclass(frozen=True)
class AddGoal:
    case_id: int
    actor: str
    what: str
    by_when: date


@dataclass(frozen=True)
class UpdateGoal:
    """A goal's text, date or status; ``dropped`` needs a reason."""

    goal_id: int
    actor: str
    what: str | None = None
    by_when: date | None = None
    status: str | None = None
    reason: str | None = None
    #: The case the goal is asked for under (a page's, the API's path): another's is not found.
    case_id: int | None = None


@dataclass(frozen=True)
class GoalDecision:
    goal_id: int
    decision: str
    #: The goal's status after the review (open, achieved, dropped).
    status: str = "open"


@dataclass(frozen=True)
class RecordReview:
    case_id: int
    actor: str
    reviewed_on: date
    reviewers: tuple[str, ...]
    decisions: tuple[GoalDecision, ...] = field(default_factory=tuple)
    #: When the plan is next reviewed; empty: the configured interval after this one.
    next_review_on: date | None = None
