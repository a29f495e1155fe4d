"""Staff and the communities they work in: the programme's reference people and places."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, Id


class CommunityRow(Base):
    """Reference data: seeded by migration 0002, extended with ``hogatar community add``."""

    __tablename__ = "communities"
    __table_args__ = {"info": {"reference_data": True}}

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_hy: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StaffRow(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="hy")
    email: Mapped[str | None] = mapped_column(String(200))
    #: How partners and families reach the worker (mails name it).
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Filled by the login feature (argon2); nobody can log in until then.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Set by a temporary password an admin gave (migration 0024_administration): after
    #: logging in with it the person can do nothing but choose a password of their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class StaffCommunityRow(Base):
    """The communities a staff member works in: a social worker reads the open cases of
    them (scoped access, ``workflow.programme.staff.scope``)."""

    __tablename__ = "staff_communities"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id"), primary_key=True, index=True
    )
