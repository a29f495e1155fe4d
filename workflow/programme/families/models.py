"""Tables of a family: the family, its members and its consent. They hang off the engine's
``cases`` row: the engine knows nothing of them, and every change to them also goes on
the case timeline.

``*_key`` columns hold the NFC + casefold form of a name, so that a search ignores case
the same way for Armenian and Latin script, with a plain LIKE on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class FamilyRow(CaseBound, Base):
    """The family of one case (one case per family; reopening keeps the same file)."""

    __tablename__ = "families"
    # With the case id in the index, a reader's scope (the families of a social worker,
    # a psychologist or some communities) is read from the index alone, in case order
    # (migration 0027).
    __table_args__ = (
        Index("ix_families_community_case", "community_id", "case_id"),
        Index("ix_families_social_worker_case", "social_worker_id", "case_id"),
        Index("ix_families_psychologist_case", "psychologist_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    family_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Digits only, so "+374 91 123456" and "091-123-456" compare equal.
    phone_key: Mapped[str | None] = mapped_column(String(40), index=True)
    referral_partner_type: Mapped[str | None] = mapped_column(String(64))
    referral_partner_name: Mapped[str | None] = mapped_column(String(200))
    state_benefit: Mapped[bool] = mapped_column(Boolean, default=False)
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    psychologist_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MemberRow(Base):
    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    health_notes: Mapped[str | None] = mapped_column(Text)
    #: A member who left the household (or was entered by mistake) is marked removed,
    #: never deleted: the file's history still names them, the household no longer does.
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[str | None] = mapped_column(String(120))
    removal_reason: Mapped[str | None] = mapped_column(Text)


class ConsentRow(CaseBound, Base):
    """One consent the family gave: what it covers (codes of ``consent_purposes`` in
    config/programme/lists.toml), from when until when, and who gave it."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purposes: Mapped[list[str]] = mapped_column(JSON)
    #: What the family was told or said, in the worker's words (the free-text purpose of
    #: records made before purposes were codes).
    note: Mapped[str | None] = mapped_column(Text)
    given_on: Mapped[date] = mapped_column(Date)
    #: The last day it covers; none: until withdrawn.
    expires_on: Mapped[date | None] = mapped_column(Date)
    #: Who gave it: a member of the household, or a guardian or legal representative
    #: named here (none on records made before this was asked).
    given_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("household_members.id"))
    given_by_name: Mapped[str | None] = mapped_column(String(200))
    #: The signed form, once the documents feature keeps documents (no table yet).
    document_id: Mapped[int | None] = mapped_column(Id)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(120))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
