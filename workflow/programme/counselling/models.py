"""Counselling sessions (one family or a group) and who took part."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class CounsellingSessionRow(Base):
    """An individual session (one case) or a group session (several families)."""

    __tablename__ = "counselling_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    psychologist_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    held_on: Mapped[date] = mapped_column(Date)
    follow_up_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]


class CounsellingParticipantRow(CaseBound, Base):
    __tablename__ = "counselling_participants"
    __table_args__ = (
        UniqueConstraint("session_id", "case_id", name="uq_counselling_participants_session_case"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("counselling_sessions.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
