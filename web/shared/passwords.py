"""Passwords an admin hands over, and the ones people choose: the service layer of the
admin's "reset password" (web and ``hogatar web reset-password``), of the one-time link
and of "change my password".

An admin resets a password in one of two ways:

- a temporary password, shown once to the admin: it replaces the old one at once, ends
  the person's sessions, and after logging in with it they can do nothing but choose a
  password of their own (``staff.must_change_password``, checked by ``require_login``);
- a one-time link, shown once to the admin: whoever opens it within
  ``PASSWORD_LINK_VALID`` chooses a new password, once; the old password works until
  then (the person may have remembered it). A newer link replaces an unused older one.

Only SHA-256 hashes of link tokens are stored; neither a password nor a token is ever
written to the history, which records that it happened, who did it and when.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from web.shared import security, throttle
from web.shared.accounts import Staff, staff_of
from web.shared.models import WebSessionRow
from workflow.clock import as_utc
from workflow.errors import HogatarError
from workflow.persistence.models import Base, Id
from workflow.programme.administration import record
from workflow.programme.shared.values import Collector
from workflow.programme.staff import StaffRow, staff_member
from workflow.runtime import Runtime
from workflow.unit_of_work import UnitOfWork

#: How long a one-time link works: a day, enough to hand it over, short if it leaks.
PASSWORD_LINK_VALID = timedelta(hours=24)
#: The path of a one-time link (``web.admin.public``).
LINK_PATH = "/password/{token}"


class PasswordResetRow(Base):
    """A one-time link to choose a password (migration 0024_administration)."""

    __tablename__ = "password_resets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(Id, ForeignKey("staff.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LinkRefused(HogatarError):
    """Expired, used, replaced by a newer link, or never made: said alike."""

    def __init__(self) -> None:
        super().__init__(
            "this password link does not work (any more): it is used, expired or replaced "
            "by a newer one; ask an admin for a new one"
        )


@dataclass(frozen=True)
class ResetLink:
    username: str
    path: str
    expires_at: datetime


def _end_sessions(session: Session, staff: StaffRow, *, keep_token: str | None = None) -> None:
    query = delete(WebSessionRow).where(WebSessionRow.staff_id == staff.id)
    if keep_token is not None:
        query = query.where(WebSessionRow.token_hash != security.token_hash(keep_token))
    session.execute(query)


def _drop_links(session: Session, staff: StaffRow) -> None:
    session.execute(
        delete(PasswordResetRow).where(
            PasswordResetRow.staff_id == staff.id, PasswordResetRow.used_at.is_(None)
        )
    )


def _history(
    rt: Runtime,
    uow: UnitOfWork,
    *,
    actor: str,
    staff: StaffRow,
    action: str,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
) -> None:
    record(
        uow.session,
        at=rt.clock.now(),
        actor=actor,
        area="staff",
        subject=staff.username,
        action=action,
        before=before,
        after=after,
    )


def new_temporary_password() -> str:
    """Twelve letters and digits in three groups (easy to read out, read back and type),
    without the ones that look alike (0 O 1 l I)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


def give_temporary_password(rt: Runtime, *, username: str, actor: str) -> tuple[Staff, str]:
    """Replace the password with a temporary one the person must change at their first
    login; end their sessions and any unused link. Returns the password (shown once)."""
    password = new_temporary_password()
    with rt.unit_of_work() as uow:
        row = staff_member(uow.session, username)
        before = {"must_change_password": row.must_change_password}
        row.password_hash = security.hash_password(password)
        row.must_change_password = True
        _end_sessions(uow.session, row)
        _drop_links(uow.session, row)
        throttle.forget(uow.session, throttle.account_key(row.username))
        _history(
            rt,
            uow,
            actor=actor,
            staff=row,
            action="temporary_password",
            before=before,
            after={"must_change_password": True},
        )
        uow.commit()
        return staff_of(row), password


def give_reset_link(rt: Runtime, *, username: str, actor: str) -> ResetLink:
    """A one-time link to choose a password, replacing an unused older one."""
    token = security.new_token()
    now = rt.clock.now()
    with rt.unit_of_work() as uow:
        row = staff_member(uow.session, username)
        _drop_links(uow.session, row)
        expires = now + PASSWORD_LINK_VALID
        uow.session.add(
            PasswordResetRow(
                token_hash=security.token_hash(token),
                staff_id=row.id,
                created_by=actor,
                created_at=now,
                expires_at=expires,
            )
        )
        _history(
            rt,
            uow,
            actor=actor,
            staff=row,
            action="reset_link",
            after={"link_expires_at": expires.isoformat(timespec="minutes")},
        )
        uow.commit()
        return ResetLink(row.username, LINK_PATH.format(token=token), expires)


def _live_link(session: Session, token: str, now: datetime) -> tuple[PasswordResetRow, StaffRow]:
    found = session.execute(
        select(PasswordResetRow, StaffRow)
        .join(StaffRow, StaffRow.id == PasswordResetRow.staff_id)
        .where(PasswordResetRow.token_hash == security.token_hash(token))
    ).first()
    if found is None:
        raise LinkRefused()
    link, staff = found
    if link.used_at is not None or as_utc(link.expires_at) <= now or not staff.active:
        raise LinkRefused()
    return link, staff


def link_owner(rt: Runtime, token: str) -> Staff:
    """Whose password a live link sets (``LinkRefused`` otherwise)."""
    with rt.session_factory() as session:
        _, staff = _live_link(session, token, rt.clock.now())
        return staff_of(staff)


def check_new_password(
    password: str, confirmation: str, problems: Collector, *, old_password: str | None = None
) -> None:
    """The rules of a password someone chooses, each beside its field."""
    problem = security.password_problem(password)
    if problem:
        problems.add("password", problem)
    elif old_password is not None and password == old_password:
        problems.add("password", "is the same as the current password: choose a new one")
    if not problem and password != confirmation:
        problems.add("confirmation", "does not match the new password")


def use_reset_link(rt: Runtime, *, token: str, password: str, confirmation: str) -> Staff:
    """Set the password chosen through a live link; the link is used up, every session and
    the login throttle of the account end."""
    now = rt.clock.now()
    with rt.unit_of_work() as uow:
        link, row = _live_link(uow.session, token, now)
        problems = Collector()
        check_new_password(password, confirmation, problems)
        problems.check()
        # Claimed with a condition: of two submissions of the same link, one sets it.
        claimed = uow.session.execute(
            update(PasswordResetRow)
            .where(
                PasswordResetRow.token_hash == link.token_hash, PasswordResetRow.used_at.is_(None)
            )
            .values(used_at=now)
        )
        if getattr(claimed, "rowcount", 1) != 1:
            raise LinkRefused()
        row.password_hash = security.hash_password(password)
        row.must_change_password = False
        _end_sessions(uow.session, row)
        throttle.forget(uow.session, throttle.account_key(row.username))
        _history(rt, uow, actor=row.username, staff=row, action="password_set_by_link")
        uow.commit()
        return staff_of(row)


def change_own_password(
    rt: Runtime,
    *,
    username: str,
    current: str,
    password: str,
    confirmation: str,
    session_token: str | None,
) -> Staff:
    """A logged-in person chooses a new password (a temporary one must be replaced so);
    their other sessions end, this one stays."""
    with rt.unit_of_work() as uow:
        row = staff_member(uow.session, username)
        problems = Collector()
        if not security.verify_password(row.password_hash, current):
            problems.add("current", "is not your current password")
        check_new_password(password, confirmation, problems, old_password=current)
        problems.check()
        before = {"must_change_password": row.must_change_password}
        row.password_hash = security.hash_password(password)
        row.must_change_password = False
        _end_sessions(uow.session, row, keep_token=session_token)
        _drop_links(uow.session, row)
        _history(
            rt,
            uow,
            actor=row.username,
            staff=row,
            action="password_changed",
            before=before,
            after={"must_change_password": False},
        )
        uow.commit()
        return staff_of(row)
