"""Partner organisations and the referrals of families to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class PartnerRow(Base):
    """Reference data: seeded from config/programme/partners.toml, extended by staff."""

    __tablename__ = "partners"
    __table_args__ = {"info": {"reference_data": True}}

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    name_hy: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="hy")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


#: Every status a referral can have, in the order it moves; "withheld": never mailed,
#: the family's consent to referral had lapsed (the CLI's --status refuses others).
REFERRAL_STATUSES = (
    "queued",
    "sent",
    "acknowledged",
    "accepted",
    "declined",
    "completed",
    "withheld",
)


class ReferralRow(CaseBound, Base):
    """queued -> sent -> acknowledged -> accepted | declined -> completed."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    # Deadlines, swept hourly: a reminder to the partner, then the manager is told.
    partner_reminder_due_at: Mapped[datetime | None] = mapped_column(index=True)
    partner_reminded_at: Mapped[datetime | None]
    escalation_due_at: Mapped[datetime | None] = mapped_column(index=True)
    escalated_at: Mapped[datetime | None]


class ReferralLinkRow(CaseBound, Base):
    """A link mailed to a partner to answer one referral without an account.

    Only the SHA-256 of the link's random token is kept: a copy of the table answers no
    referral. A link works until ``expires_at`` unless revoked (a staff member revoked it
    or sent a new one); migration 0018. No foreign keys: the mail's effect writes its
    link in a transaction of its own while it holds the referral locked (see
    ``links.issue_link``), which a key check would wait on forever; the indexes are what
    is used."""

    __tablename__ = "referral_links"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    referral_id: Mapped[int] = mapped_column(Id, index=True)
    case_id: Mapped[int] = mapped_column(Id, index=True)
    # The effect that mailed it: one link per mail, however often the effect runs.
    outbox_id: Mapped[int | None] = mapped_column(Id, unique=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    # The partner opened it at least once (the first opening is on the timeline).
    first_opened_at: Mapped[datetime | None]
