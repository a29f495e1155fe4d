"""Staff accounts of the web app: passwords, logins with lockout, sessions.

The service layer for the web's own state (the case model has no commands for it): each
function is one unit of work, called by the login routes and ``hogatar web``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from web.shared import security
from web.shared.models import LoginStateRow, WebSessionRow
from workflow.clock import as_utc
from workflow.errors import HogatarError, InvalidInput
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime
from workflow.text import clean


class LoginFailed(HogatarError):
    """Wrong username or password: deliberately does not say which."""

    def __init__(self) -> None:
        super().__init__("the username or password is not right")


class AccountLocked(HogatarError):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"too many failed logins: the account is locked until {until:%H:%M} UTC")
        self.until = until


@dataclass(frozen=True)
class Staff:
    """Who is logged in: what the routes and templates need of a staff member."""

    id: int
    username: str
    full_name: str
    role: str
    language: str


@dataclass(frozen=True)
class LoginResult:
    staff: Staff
    token: str
    expires_at: datetime


def staff_of(row: StaffRow) -> Staff:
    return Staff(row.id, row.username, row.full_name, row.role, row.language)


def _find(session: Session, username: str) -> StaffRow | None:
    name = (clean(username) or "").casefold()
    return session.scalar(select(StaffRow).where(StaffRow.username == name))


def set_password(rt: Runtime, *, username: str, password: str) -> Staff:
    problem = security.password_problem(password)
    if problem:
        raise InvalidInput(problem)
    with rt.unit_of_work() as uow:
        row = _find(uow.session, username)
        if row is None:
            raise InvalidInput(f"no staff member with the username {username!r}")
        row.password_hash = security.hash_password(password)
        # A new password ends every session opened with the old one, and any lockout.
        uow.session.execute(delete(WebSessionRow).where(WebSessionRow.staff_id == row.id))
        uow.session.execute(delete(LoginStateRow).where(LoginStateRow.staff_id == row.id))
        uow.commit()
        return staff_of(row)


def log_in(rt: Runtime, *, username: str, password: str) -> LoginResult:
    """Check the password, count failures, lock after too many; open a session."""
    settings = rt.settings
    now = rt.clock.now()
    with rt.unit_of_work() as uow:
        session = uow.session
        row = _find(session, username)
        if row is None or not row.active:
            security.verify_password(None, password)  # same time as a real check
            raise LoginFailed()
        state = session.get(LoginStateRow, row.id, with_for_update=True)
        if state is None:
            state = LoginStateRow(staff_id=row.id, failed_count=0)
            session.add(state)
        if state.locked_until is not None and as_utc(state.locked_until) > now:
            raise AccountLocked(as_utc(state.locked_until))
        if not security.verify_password(row.password_hash, password):
            state.failed_count += 1
            state.last_failure_at = now
            locked = state.failed_count >= settings.web_login_max_failures
            if locked:
                state.locked_until = now + timedelta(seconds=settings.web_lockout_seconds)
                state.failed_count = 0
            uow.commit()
            if locked and state.locked_until is not None:
                raise AccountLocked(as_utc(state.locked_until))
            raise LoginFailed()
        assert row.password_hash is not None  # verify_password refuses a missing hash
        if security.needs_rehash(row.password_hash):
            row.password_hash = security.hash_password(password)
        state.failed_count = 0
        state.locked_until = None
        state.last_login_at = now
        token = security.new_token()
        expires = now + timedelta(hours=settings.web_session_hours)
        session.add(
            WebSessionRow(
                token_hash=security.token_hash(token),
                staff_id=row.id,
                created_at=now,
                expires_at=expires,
            )
        )
        # Expired sessions of anyone are swept here rather than by a scheduler.
        session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
        uow.commit()
        return LoginResult(staff=staff_of(row), token=token, expires_at=expires)


def session_staff(rt: Runtime, token: str) -> Staff | None:
    """The active staff member of a live session, or None."""
    now = rt.clock.now()
    with rt.session_factory() as session:
        found = session.execute(
            select(StaffRow, WebSessionRow.expires_at)
            .join(WebSessionRow, WebSessionRow.staff_id == StaffRow.id)
            .where(WebSessionRow.token_hash == security.token_hash(token))
        ).first()
    if found is None:
        return None
    row, expires_at = found
    if not row.active or as_utc(expires_at) <= now:
        return None
    return staff_of(row)


def log_out(rt: Runtime, token: str) -> None:
    with rt.unit_of_work() as uow:
        uow.session.execute(
            delete(WebSessionRow).where(WebSessionRow.token_hash == security.token_hash(token))
        )
        uow.commit()


def staff_with_passwords(rt: Runtime) -> list[str]:
    with rt.session_factory() as session:
        return list(
            session.scalars(
                select(StaffRow.username)
                .where(StaffRow.password_hash.is_not(None))
                .order_by(StaffRow.username)
            )
        )


def staff_by_email_domain(rt: Runtime, domain: str) -> list[tuple[str, str]]:
    with rt.session_factory() as session:
        rows = session.execute(
            select(StaffRow.username, StaffRow.role)
            .where(StaffRow.email.like(f"%{domain}"), StaffRow.active.is_(True))
            .order_by(StaffRow.id)
        ).all()
    return [(username, role) for username, role in rows]


def staff_without_password(rt: Runtime, *, email_domain: str) -> list[str] | None:
    """Demo staff (by their e-mail domain) still without a password; None: no demo staff."""
    with rt.session_factory() as session:
        rows = session.execute(
            select(StaffRow.username, StaffRow.password_hash).where(
                StaffRow.email.like(f"%{email_domain}")
            )
        ).all()
    if not rows:
        return None
    return [username for username, password_hash in rows if password_hash is None]
