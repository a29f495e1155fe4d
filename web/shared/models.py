"""Tables of the web app's own: logins, login throttling and server-side sessions.

They hang off ``staff`` (the case model's table) without changing it; migration 0003,
and 0020_login_throttle for the throttle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, Id


class LoginStateRow(Base):
    """When a staff member last logged in (and last failed to)."""

    __tablename__ = "login_state"

    staff_id: Mapped[int] = mapped_column(Id, ForeignKey("staff.id"), primary_key=True)
    last_failure_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]


class LoginThrottleRow(Base):
    """Failed logins of one username from one address (``web.shared.throttle``).

    Keyed by what was typed, not by a staff row, so a name that does not exist is
    throttled exactly like one that does; the username is kept only as a hash.
    """

    __tablename__ = "login_throttle"

    account_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Failures in a row from this address; a success from it starts again.
    failures: Mapped[int] = mapped_column(Integer)
    blocked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime] = mapped_column(index=True)


class WebSessionRow(Base):
    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class FormSubmissionRow(Base):
    """A form's one-time token, claimed by its first submission (``web.shared.once``);
    migration 0006."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(Id, ForeignKey("staff.id"))
    claimed_at: Mapped[datetime] = mapped_column(index=True)
    # Set once the change is saved; None while it is being saved (or if that was cut off).
    saved_at: Mapped[datetime | None]
    location: Mapped[str | None] = mapped_column(String(500))
