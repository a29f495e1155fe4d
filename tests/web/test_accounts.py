"""Passwords, logins, their throttling and sessions (the web's own service layer)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.web.conftest import PASSWORD
from web.shared import accounts, security
from web.shared.accounts import LoginFailed, TooManyFailures
from web.shared.models import LoginThrottleRow, WebSessionRow
from workflow.errors import InvalidInput
from workflow.programme.staff import AddStaff, DeactivateStaff, StaffRow
from workflow.services import handle


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


def _refusals(rt, username: str, source: str, tries: int) -> list[str]:
    """What each of ``tries`` wrong passwords answers: its error's class and words."""
    answers = []
    for _ in range(tries):
        with pytest.raises((LoginFailed, TooManyFailures)) as refused:
            accounts.log_in(rt, username=username, password="wrong password!", source=source)
        answers.append(f"{type(refused.value).__name__}: {refused.value}")
    return answers


def test_repeated_failures_answer_alike_for_real_unknown_and_deactivated_names(rt):
    """An attacker tried five wrong passwords on names: a real account answered "locked"
    and any other name "wrong password" for ever, which told the real ones apart."""
    handle(
        rt,
        AddStaff(
            username="left.us", full_name="Արմեն Գրիգորյան", role="social_worker", actor="test"
        ),
    )
    accounts.set_password(rt, username="left.us", password=PASSWORD)
    handle(rt, DeactivateStaff(username="left.us", actor="test"))
    tries = rt.settings.web_login_max_failures + 2
    answers = {
        name: _refusals(rt, name, "203.0.113.7", tries) for name in ("manager", "nobody", "left.us")
    }
    assert answers["manager"] == answers["nobody"] == answers["left.us"]
    assert answers["manager"][-1].startswith("TooManyFailures: too many failed logins")


def test_an_unknown_name_checks_a_password_hash_like_a_real_one(rt, monkeypatch):
    checked: list[str | None] = []
    real_verify = security.verify_password

    def counting(password_hash, password):
        checked.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counting)
    for name in ("manager", "nobody"):
        with pytest.raises(LoginFailed):
            accounts.log_in(rt, username=name, password="wrong password!", source="203.0.113.7")
    # One check each; the unknown name's against the dummy hash (None picks it).
    assert len(checked) == 2 and checked[0] and checked[1] is None


def test_failures_from_one_address_do_not_lock_out_the_owner_at_another(rt):
    _refusals(rt, "manager", "203.0.113.7", rt.settings.web_login_max_failures + 3)
    with pytest.raises(TooManyFailures):
        accounts.log_in(rt, username="manager", password=PASSWORD, source="203.0.113.7")
    # The colleague at the office's own address logs in as ever.
    result = accounts.log_in(rt, username="manager", password=PASSWORD, source="192.0.2.10")
    assert result.staff.username == "manager"


def test_the_wait_doubles_with_each_failure_up_to_its_bound(rt, clock):
    settings = rt.settings
    first, bound = settings.web_lockout_first_seconds, settings.web_lockout_seconds
    waits = []
    for _ in range(settings.web_login_max_failures - 1):
        with pytest.raises(LoginFailed):
            accounts.log_in(rt, username="manager", password="wrong password!", source="a")
    for _ in range(8):
        with pytest.raises(TooManyFailures) as refused:
            accounts.log_in(rt, username="manager", password="wrong password!", source="a")
        waits.append(refused.value.retry_after)
        # While it waits, even the right password is refused, and the wait does not grow.
        with pytest.raises(TooManyFailures):
            accounts.log_in(rt, username="manager", password=PASSWORD, source="a")
        clock.advance(timedelta(seconds=refused.value.retry_after))
    assert waits == [min(bound, first * 2**n) for n in range(8)]
    assert max(waits) == bound
    assert accounts.log_in(rt, username="manager", password=PASSWORD, source="a")


def test_a_success_resets_the_failure_count(rt):
    limit = rt.settings.web_login_max_failures
    for _ in range(limit - 1):
        with pytest.raises(LoginFailed):
            accounts.log_in(rt, username="manager", password="wrong password!")
    accounts.log_in(rt, username="manager", password=PASSWORD)
    with pytest.raises(LoginFailed):  # counting starts again: not throttled after one more
        accounts.log_in(rt, username="manager", password="wrong password!")


def test_failures_of_yesterday_are_forgotten(rt, clock):
    _refusals(rt, "manager", "a", rt.settings.web_login_max_failures - 1)
    clock.advance(timedelta(days=1, seconds=1))
    assert _refusals(rt, "manager", "a", 1) == [
        "LoginFailed: the username or password is not right"
    ]


def test_a_new_password_ends_the_wait(rt):
    _refusals(rt, "manager", "a", rt.settings.web_login_max_failures)
    accounts.set_password(rt, username="manager", password="another long password")
    assert accounts.log_in(rt, username="manager", password="another long password", source="a")


def test_the_throttle_keeps_no_username_in_clear(rt):
    _refusals(rt, "typed-into-the-wrong-field!", "a", 1)
    with rt.session_factory() as session:
        keys = session.scalars(select(LoginThrottleRow.account_key)).all()
    assert len(keys) == 1 and "typed" not in keys[0]


def test_sessions_expire_and_a_new_password_ends_them(rt, clock):
    first = accounts.log_in(rt, username="manager", password=PASSWORD)
    clock.advance(timedelta(hours=rt.settings.web_session_hours, seconds=1))
    assert accounts.session_staff(rt, first.token) is None
    second = accounts.log_in(rt, username="manager", password=PASSWORD)
    accounts.set_password(rt, username="manager", password="another long password")
    assert accounts.session_staff(rt, second.token) is None


def test_the_api_login_answers_alike_then_429_with_retry_after(browser, rt):
    answers = {}
    for name in ("manager", "nobody"):
        client = browser().client
        replies = [
            client.post("/api/v1/login", json={"username": name, "password": "wrong password!"})
            for _ in range(rt.settings.web_login_max_failures + 1)
        ]
        answers[name] = [
            (r.status_code, r.json()["type"], r.json()["detail"], r.headers.get("retry-after"))
            for r in replies
        ]
    assert answers["manager"] == answers["nobody"]
    last = answers["manager"][-1]
    assert last[:2] == (429, "urn:hogatar:problem:too-many-failures")
    assert int(last[3]) == rt.settings.web_lockout_first_seconds
    assert answers["manager"][0][:2] == (401, "urn:hogatar:problem:login-failed")
