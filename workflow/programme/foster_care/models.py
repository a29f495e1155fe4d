"""A prospective foster family's file: the family, and one row per step on its way to a
placement (application, home assessment, training, the commission's decision, the match,
the placement, monitoring visits). Each row is also an entry on the case's timeline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class FosterFamilyRow(CaseBound, Base):
    """Who inquired: the household that may foster a child (խնամատար ընտանիք)."""

    __tablename__ = "foster_families"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    family_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    adults: Mapped[int] = mapped_column(Integer)
    children_in_household: Mapped[int] = mapped_column(Integer, default=0)
    motivation: Mapped[str | None] = mapped_column(Text)
    #: How the family heard of the pilot (a partner, an information session, ...).
    inquiry_source: Mapped[str | None] = mapped_column(String(200))
    #: The social worker who follows the family; reminders of its visits go to them.
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FosterApplicationRow(CaseBound, Base):
    """The written application, with the documents received so far (codes of
    config/programme/foster_care.toml); later documents are a further row."""

    __tablename__ = "foster_applications"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]


class FosterHomeAssessmentRow(CaseBound, Base):
    __tablename__ = "foster_home_assessments"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    recommendation: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]


class FosterTrainingRow(CaseBound, Base):
    """One session of the preparation training and the modules it covered."""

    __tablename__ = "foster_training_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    trainer: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]


class FosterDecisionRow(CaseBound, Base):
    """The guardianship and trusteeship commission's decision on the family."""

    __tablename__ = "foster_commission_decisions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    approved: Mapped[bool] = mapped_column(Boolean)
    decision_number: Mapped[str] = mapped_column(String(64))
    decided_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]


class FosterMatchRow(CaseBound, Base):
    """The child matched with the family, named only as the guardianship file does (its
    reference, initials and age): the child's own file is kept by the authority."""

    __tablename__ = "foster_matches"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    child_reference: Mapped[str] = mapped_column(String(64))
    child_initials: Mapped[str] = mapped_column(String(16))
    child_age: Mapped[int] = mapped_column(Integer)
    matched_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]


class FosterPlacementRow(CaseBound, Base):
    __tablename__ = "foster_placements"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("foster_matches.id"))
    placed_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]


class FosterVisitRow(CaseBound, Base):
    """A monitoring visit to the placed child and the family, and when the next is due."""

    __tablename__ = "foster_monitoring_visits"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    observations: Mapped[str] = mapped_column(Text)
    next_visit_due: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
