"""Passwords, logins, lockout and sessions (the web's own service layer)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.web.conftest import PASSWORD
from web.shared import accounts
from web.shared.accounts import AccountLocked, LoginFailed
from web.shared.models import WebSessionRow
from workflow.errors import InvalidInput
from workflow.programme.staff import StaffRow


def test_password_is_stored_as_an_argon2_hash(rt):
    with rt.session_factory() as session:
        stored = session.scalar(
            select(StaffRow.password_hash).where(StaffRow.username == "manager")
        )
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_short_password_and_unknown_user_are_refused(rt):
    with pytest.raises(InvalidInput, match="at least 10"):
        accounts.set_password(rt, username="manager", password="short")
    with pytest.raises(InvalidInput, match="no staff member"):
        accounts.set_password(rt, username="nobody", password=PASSWORD)


def test_login_opens_a_session_found_by_its_token(rt):
    result = accounts.log_in(rt, username="Manager ", password=PASSWORD)
    assert result.staff.role == "manager"
    assert accounts.session_staff(rt, result.token) == result.staff
    with rt.session_factory() as session:
        stored = session.scalars(select(WebSessionRow.token_hash)).all()
    assert result.token not in stored  # only the hash is kept
    accounts.log_out(rt, result.token)
    assert accounts.session_staff(rt, result.token) is None


def test_wrong_password_and_unknown_user_look_the_same(rt):
    with pytest.raises(LoginFailed) as wrong:
        accounts.log_in(rt, username="manager", password="not the password")
    with pytest.raises(LoginFailed) as unknown:
        accounts.log_in(rt, username="nobody", password="not the password")
    assert str(wrong.value) == str(unknown.value)


def test_repeated_failures_lock_the_account_until_the_lockout_ends(rt, clock):
    limit = rt.settings.web_login_max_failures
    for _ in range(limit - 1):
        with pytest.raises(LoginFailed):
            accounts.log_in(rt, username="manager", password="wrong password!")
    with pytest.raises(AccountLocked):
        accounts.log_in(rt, username="manager", password="wrong password!")
    # Locked: even the right password is refused until the lockout has passed.
    with pytest.raises(AccountLocked):
        accounts.log_in(rt, username="manager", password=PASSWORD)
    clock.advance(timedelta(seconds=rt.settings.web_lockout_seconds + 1))
    assert accounts.log_in(rt, username="manager", password=PASSWORD).staff.username == "manager"


def test_a_success_resets_the_failure_count(rt):
    limit = rt.settings.web_login_max_failures
    for _ in range(limit - 1):
        with pytest.raises(LoginFailed):
            accounts.log_in(rt, username="manager", password="wrong password!")
    accounts.log_in(rt, username="manager", password=PASSWORD)
    with pytest.raises(LoginFailed):  # counting starts again: not locked after one more
        accounts.log_in(rt, username="manager", password="wrong password!")


def test_sessions_expire_and_a_new_password_ends_them(rt, clock):
    first = accounts.log_in(rt, username="manager", password=PASSWORD)
    clock.advance(timedelta(hours=rt.settings.web_session_hours, seconds=1))
    assert accounts.session_staff(rt, first.token) is None
    second = accounts.log_in(rt, username="manager", password=PASSWORD)
    accounts.set_password(rt, username="manager", password="another long password")
    assert accounts.session_staff(rt, second.token) is None
