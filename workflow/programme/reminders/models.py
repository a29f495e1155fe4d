"""Reminders: rows with a due time, swept by beat and claimed atomically."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id

#: Every status a reminder can have (the CLI's --status refuses others).
REMINDER_STATUSES = ("scheduled", "sending", "sent", "acknowledged", "escalated", "cancelled")


class ReminderRow(CaseBound, Base):
    """scheduled -> sending -> sent -> acknowledged | escalated; or cancelled."""

    __tablename__ = "reminders"
    __table_args__ = (
        # Only what beat's sweep can claim (migration 0009): its cost stays flat however
        # many finished reminders the years pile up.
        Index(
            "ix_reminders_scheduled_due",
            "due_at",
            "id",
            postgresql_where=text("status = 'scheduled'"),
            sqlite_where=text("status = 'scheduled'"),
        ),
        Index(
            "ix_reminders_sent_escalation",
            "escalation_due_at",
            "id",
            postgresql_where=text("status = 'sent'"),
            sqlite_where=text("status = 'sent'"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("counselling_sessions.id"))
    #: The approval request whose tier this reminds of (kind ``approval_decision``).
    approval_id: Mapped[int | None] = mapped_column(Id, index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    escalation_due_at: Mapped[datetime | None] = mapped_column(index=True)
    escalated_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
