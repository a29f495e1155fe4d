"""Items in a staff member's in-app inbox (a reminder due, a referral answered)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class InboxItemRow(CaseBound, Base):
    """What a staff member sees in the app: reminders and escalations addressed to them."""

    __tablename__ = "inbox_items"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
