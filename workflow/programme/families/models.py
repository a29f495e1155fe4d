"""Tables of a family: the family, its members and its consent. They hang off the engine's
``cases`` row: the engine knows nothing of them, and every change to them also goes on
the case timeline.

``*_key`` columns hold the NFC + casefold form of a name, so that a search ignores case
the same way for Armenian and Latin script, with a plain LIKE on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, Id


class FamilyRow(Base):
    """The family of one case (one case per family; reopening keeps the same file)."""

    __tablename__ = "families"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    family_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Digits only, so "+374 91 123456" and "091-123-456" compare equal.
    phone_key: Mapped[str | None] = mapped_column(String(40), index=True)
    referral_partner_type: Mapped[str | None] = mapped_column(String(64))
    referral_partner_name: Mapped[str | None] = mapped_column(String(200))
    state_benefit: Mapped[bool] = mapped_column(Boolean, default=False)
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    psychologist_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
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


class ConsentRow(Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    given_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(120))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
