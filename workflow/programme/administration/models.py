"""The administration's history: every change to the programme's people and reference
data (staff, partners, communities, passwords), who made it, when, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, Id


class AdminChangeRow(Base):
    """One change, written in the same transaction as the change itself (migration
    0024_administration): a refused change leaves no history, a saved one always has it."""

    __tablename__ = "admin_history"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    #: What was changed: "staff", "partner", "community".
    area: Mapped[str] = mapped_column(String(32), index=True)
    #: Which one: a username, a partner's or community's code.
    subject: Mapped[str] = mapped_column(String(120), index=True)
    #: The change: "added", "role", "communities", "contact", "deactivated", "edited",
    #: "renamed", "temporary_password", "reset_link", "password_changed", ...
    action: Mapped[str] = mapped_column(String(32))
    #: The fields changed, as they were and as they are; never a password or a token.
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
