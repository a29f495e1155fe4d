"""Staff accounts of the web app: passwords, logins with throttling, sessions.

The service layer for the web's own state (the case model has no commands for it): each
function is one unit of work, called by the login routes and ``hogatar web``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from web.shared import security, throttle
from web.shared.models import LoginStateRow, WebSessionRow
from workflow.clock import as_utc
from workflow.errors import HogatarError, InvalidInput
from workflow.programme.administration import record
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime
from workflow.text import clean


class LoginFailed(HogatarError):
    """Wrong username or password: deliberately does not say which."""

    def __init__(self) -> None:
        super().__init__("the username or password is not right")


class TooManyFailures(HogatarError):
    """This username failed too often from this address: wait. Said the same whether the
    name exists or not (see ``web.shared.throttle``)."""

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__(
            "too many failed logins with this username from this address: try again after "
            f"{until:%H:%M:%S} UTC"
        )
        self.until = until
        self.retry_after = max(1, ceil((until - now).total_seconds()))


@dataclass(frozen=True)
class Staff:
    """Who is logged in: what the routes and templates need of a staff member."""

    id: int
    username: str
    full_name: str
    role: str
    language: str
    #: Logged in with a temporary password: nothing but choosing one's own until then.
    must_change_password: bool = False


@dataclass(frozen=True)
class LoginResult:
    staff: Staff
    token: str
    expires_at: datetime


def staff_of(row: StaffRow) -> Staff:
    return Staff(
        row.id, row.username, row.full_name, row.role, row.language, row.must_change_password
    )


def _find(session: Session, username: str) -> StaffRow | None:
    name = (clean(username) or "").casefold()
    return session.scalar(select(StaffRow).where(StaffRow.username == name))


def _login_state(session: Session, staff_id: int) -> LoginStateRow:
    state = session.get(LoginStateRow, staff_id, with_for_update=True)
    if state is None:
        state = LoginStateRow(staff_id=staff_id)
        session.add(state)
    return state


def set_password(rt: Runtime, *, username: str, password: str, actor: str | None = None) -> Staff:
    """``hogatar web set-password``: a password of the operator's choosing, kept in the
    admin history as set by ``actor`` (never the password itself)."""
    problem = security.password_problem(password)
    if problem:
        raise InvalidInput(problem)
    with rt.unit_of_work() as uow:
        row = _find(uow.session, username)
        if row is None:
            raise InvalidInput(f"no staff member with the username {username!r}")
        row.password_hash = security.hash_password(password)
        row.must_change_password = False
        if actor is not None:
            record(
                uow.session,
                at=rt.clock.now(),
                actor=actor,
                area="staff",
                subject=row.username,
                action="password_set",
            )
        # A new password ends every session opened with the old one, and any throttling.
        uow.session.execute(delete(WebSessionRow).where(WebSessionRow.staff_id == row.id))
        throttle.forget(uow.session, throttle.account_key(row.username))
        uow.commit()
        return staff_of(row)


def log_in(rt: Runtime, *, username: str, password: str, source: str = "") -> LoginResult:
    """Check the password; slow down a username failing from one address (``source``, the
    client's address; the CLI passes none); open a session.

    Every refusal looks alike whether the name exists, is deactivated or is wrong: the
    same error, and a password hash checked each time (a dummy one for unknown names).
    """
    settings = rt.settings
    now = rt.clock.now()
    key = throttle.account_key(username)
    with rt.unit_of_work() as uow:
        session = uow.session
        until = throttle.blocked_until(session, key, source, now)
        if until is not None:
            raise TooManyFailures(until, now)
        found = _find(session, username)
        row = found if found is not None and found.active else None
        if not security.verify_password(row.password_hash if row else None, password):
            until = throttle.record_failure(session, key, source, now, settings)
            if row is not None:
                _login_state(session, row.id).last_failure_at = now
            uow.commit()
            if until is not None:
                raise TooManyFailures(until, now)
            raise LoginFailed()
        # A verified password belongs to a known, active account with a hash.
        assert row is not None and row.password_hash is not None
        if security.needs_rehash(row.password_hash):
            row.password_hash = security.hash_password(password)
        throttle.forget(session, key, source)
        _login_state(session, row.id).last_login_at = now
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
        # Expired sessions and old failures of anyone are swept here, not by a scheduler.
        session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
        throttle.sweep(session, now)
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
