"""Login throttling: failed logins of one username from one address are slowed down.

Counting failures on the staff member's row told an attacker which usernames exist (a
real account answered "locked", an unknown one "wrong password" for ever) and let anyone
lock a colleague out from anywhere. So failures are counted per (username as typed,
address it came from), whether the name exists or not: every name answers the same, and
a stranger's guesses from their own address never slow down a colleague at theirs. After
``web_login_max_failures`` failures in a row the pair waits ``web_lockout_first_seconds``,
doubled at each further failure, never more than ``web_lockout_seconds``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from config.settings import Settings
from web.shared.models import LoginThrottleRow
from workflow.clock import as_utc
from workflow.text import clean

#: Failures older than this are forgotten: a mistyped password last week counts for nothing.
FORGET_AFTER = timedelta(days=1)
#: Addresses are at most 45 characters (IPv6 with an IPv4 tail); anything longer is cut.
SOURCE_LENGTH = 64


def account_key(username: str) -> str:
    """The username as the table keeps it: a hash, so it holds no list of guessed names
    (or of passwords typed into the username field)."""
    name = (clean(username) or "").casefold()
    return hashlib.sha256(b"login:" + name.encode("utf-8")).hexdigest()


def delay(failures: int, settings: Settings) -> timedelta | None:
    """How long a pair waits after this many failures in a row (None: not at all)."""
    allowed = settings.web_login_max_failures
    if failures < allowed:
        return None
    doublings = min(failures - allowed, 30)  # far past the bound already
    seconds = min(settings.web_lockout_seconds, settings.web_lockout_first_seconds * 2**doublings)
    return timedelta(seconds=seconds)


def _row(session: Session, key: str, source: str) -> LoginThrottleRow | None:
    return session.get(LoginThrottleRow, (key, source[:SOURCE_LENGTH]), with_for_update=True)


def blocked_until(session: Session, key: str, source: str, now: datetime) -> datetime | None:
    row = _row(session, key, source)
    if row is None or row.blocked_until is None:
        return None
    until = as_utc(row.blocked_until)
    return until if until > now else None


def record_failure(
    session: Session, key: str, source: str, now: datetime, settings: Settings
) -> datetime | None:
    """Count one failure; the moment the pair may try again, if it must wait now."""
    row = _row(session, key, source)
    if row is None or as_utc(row.last_failure_at) < now - FORGET_AFTER:
        if row is not None:
            session.delete(row)
            session.flush()
        row = LoginThrottleRow(account_key=key, source=source[:SOURCE_LENGTH], failures=0)
        session.add(row)
    row.failures += 1
    row.last_failure_at = now
    wait = delay(row.failures, settings)
    row.blocked_until = now + wait if wait else None
    return row.blocked_until


def forget(session: Session, key: str, source: str | None = None) -> None:
    """A success from an address clears its count; a new password clears every address."""
    query = delete(LoginThrottleRow).where(LoginThrottleRow.account_key == key)
    if source is not None:
        query = query.where(LoginThrottleRow.source == source[:SOURCE_LENGTH])
    session.execute(query)


def sweep(session: Session, now: datetime) -> None:
    session.execute(
        delete(LoginThrottleRow).where(LoginThrottleRow.last_failure_at < now - FORGET_AFTER)
    )
