"""Home visits, the service plan's goals and its reviews. Every table carries ``case_id``,
so scoped sessions (which filter every mapped class with one) keep them to the viewer's
cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class HomeVisitRow(CaseBound, Base):
    """A visit to the family's home: who went, who they met, what they saw, when next."""

    __tablename__ = "home_visits"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    #: Staff ids of who went, in the order given (one or more).
    visitor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Household members met (ids of household_members), and anyone else in words.
    met_member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    met_others: Mapped[str | None] = mapped_column(Text)
    observations: Mapped[str] = mapped_column(Text)
    #: When the next visit is due (its reminder falls due that morning); None: none planned.
    next_visit_due: Mapped[date | None] = mapped_column(Date, index=True)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]


#: Where a goal of the plan stands; a dropped goal keeps its reason.
GOAL_STATUSES = ("open", "achieved", "dropped")


class PlanGoalRow(CaseBound, Base):
    """A goal of the service plan: what is to be reached, by when, and where it stands."""

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    by_when: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    drop_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PlanReviewRow(CaseBound, Base):
    """A review of the plan: when, who took part, what was decided per goal, when next."""

    __tablename__ = "plan_reviews"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewer_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: One entry per goal reviewed: ``{"goal_id", "decision", "status"}`` (the status the
    #: review left it in).
    decisions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    next_review_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
