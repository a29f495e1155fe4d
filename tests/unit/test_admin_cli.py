"""The administration on the command line: ``hogatar staff role``, ``hogatar community
rename / deactivate``, ``hogatar partner edit / deactivate`` and ``hogatar web
reset-password``; the same services and the same history as the web's admin pages; bad
input one line and exit 2, nothing written."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from web.shared import accounts, security
from workflow import cli, cli_context
from workflow.programme.administration import AdminChangeRow
from workflow.programme.referrals import list_partners
from workflow.programme.staff import StaffRow, list_communities


@pytest.fixture
def hogatar(sqlite_runtime, monkeypatch, capsys):
    """Run `hogatar ARGS` in this process; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli_context, "_runtime", sqlite_runtime)
    monkeypatch.setattr(security, "HASHER", security.PasswordHasher(time_cost=1, memory_cost=1024))

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            cli.main(list(args))
        captured = capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    return run


def ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def refused(result, text):
    code, _, err = result
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert text in err


def changes(rt, **where):
    with rt.session_factory() as session:
        query = select(AdminChangeRow).order_by(AdminChangeRow.id)
        for name, value in where.items():
            query = query.where(getattr(AdminChangeRow, name) == value)
        return list(session.scalars(query))


def staff_row(rt, username):
    with rt.session_factory() as session:
        return session.scalar(select(StaffRow).where(StaffRow.username == username))


def test_staff_role_and_the_last_admin(hogatar, sqlite_runtime):
    rt = sqlite_runtime
    ok(hogatar("staff", "add", "aram.p", "--name", "Արամ Պետրոսյան", "--role", "admin"))
    ok(hogatar("staff", "add", "lilit.g", "--name", "Լիլիթ", "--role", "social_worker"))
    assert "lilit.g: role manager" in ok(hogatar("staff", "role", "lilit.g", "manager"))
    refused(hogatar("staff", "role", "lilit.g", "wizard"), "'wizard' is not one of")
    refused(hogatar("staff", "role", "nobody", "manager"), "no staff member")
    # The only admin can neither step down nor be deactivated.
    refused(hogatar("staff", "role", "aram.p", "manager"), "last active admin")
    refused(hogatar("staff", "deactivate", "aram.p"), "last active admin")
    assert staff_row(rt, "aram.p").role == "admin" and staff_row(rt, "aram.p").active
    ok(hogatar("staff", "role", "lilit.g", "admin"))
    ok(hogatar("staff", "deactivate", "aram.p"))
    recorded = [(c.subject, c.action) for c in changes(rt)]
    assert recorded == [
        ("aram.p", "added"),
        ("lilit.g", "added"),
        ("lilit.g", "role"),
        ("lilit.g", "role"),
        ("aram.p", "deactivated"),
    ]
    assert all(c.actor.startswith("cli:") for c in changes(rt))
    assert changes(rt, action="role")[0].before == {"role": "social_worker"}


def test_communities_renamed_and_deactivated(hogatar, sqlite_runtime):
    rt = sqlite_runtime
    ok(hogatar("community", "rename", "garni", "--name-hy", "Գառնի", "--name-en", "Garni village"))
    refused(
        hogatar("community", "rename", "garni", "--name-hy", "Հրազդան", "--name-en", "X"),
        "already exists",
    )
    refused(
        hogatar("community", "rename", "atlantis", "--name-hy", "Ա", "--name-en", "A"),
        "no community with the code 'atlantis'",
    )
    ok(hogatar("community", "deactivate", "garni"))
    assert "garni" not in [c["code"] for c in list_communities(rt)]
    # A deactivated community is given to nobody any more.
    ok(hogatar("staff", "add", "karen.h", "--name", "Կարեն", "--role", "social_worker"))
    refused(hogatar("staff", "communities", "karen.h", "garni"), "is not a community")
    renamed = changes(rt, area="community")
    assert [c.action for c in renamed] == ["renamed", "deactivated"]
    assert renamed[0].before == {"name_en": "Garni"} and renamed[0].after == {
        "name_en": "Garni village"
    }


def test_partners_edited_and_deactivated(hogatar, sqlite_runtime):
    rt = sqlite_runtime
    refused(hogatar("partner", "edit", "kotayk_rights", "--email", "nowhere"), "e-mail")
    refused(hogatar("partner", "edit", "nobody", "--language", "en"), "no active partner")
    code, _, err = hogatar("partner", "edit", "kotayk_rights")
    assert code == 2 and "give what to change" in err
    before = {p["code"]: p for p in list_partners(rt)}["kotayk_rights"]
    ok(
        hogatar(
            "partner", "edit", "kotayk_rights", "--email", "new@rights.example", "--language", "en"
        )
    )
    ok(hogatar("partner", "deactivate", "kotayk_rights"))
    after = {p["code"]: p for p in list_partners(rt)}["kotayk_rights"]
    assert after["email"] == "new@rights.example" and after["language"] == "en"
    assert not after["active"] and after["name_hy"] == before["name_hy"]
    edited, deactivated = changes(rt, area="partner")
    assert edited.before == {"email": before["email"], "language": "hy"}
    assert edited.after == {"email": "new@rights.example", "language": "en"}
    assert deactivated.after == {"active": False}


def test_web_reset_password(hogatar, sqlite_runtime):
    rt = sqlite_runtime
    ok(hogatar("staff", "add", "lilit.g", "--name", "Լիլիթ", "--role", "social_worker"))
    out = ok(hogatar("web", "reset-password", "lilit.g", "--temporary"))
    password = re.search(r"temporary password for lilit.g: (\S+)", out).group(1)
    assert staff_row(rt, "lilit.g").must_change_password
    assert accounts.log_in(rt, username="lilit.g", password=password).staff.must_change_password
    out = ok(hogatar("web", "reset-password", "lilit.g", "--link"))
    assert re.search(r"valid until \S+ \S+ UTC: http://\S+/password/\S+$", out.strip())
    refused(hogatar("web", "reset-password", "lilit.g"), "exactly one of --temporary or --link")
    refused(hogatar("web", "reset-password", "nobody", "--temporary"), "no staff member")
    assert [c.action for c in changes(rt, subject="lilit.g")] == [
        "added",
        "temporary_password",
        "reset_link",
    ]
    # Neither the password nor the link is in the history.
    assert password not in str([(c.before, c.after) for c in changes(rt)])


def test_admin_history(hogatar, sqlite_runtime):
    ok(hogatar("partner", "edit", "kotayk_rights", "--language", "en"))
    out = ok(hogatar("admin", "history", "--area", "partner"))
    assert "kotayk_rights" in out and '{"language": "hy"} -> {"language": "en"}' in out
    assert ok(hogatar("admin", "history", "--area", "staff")).strip() == "no changes"
    refused(hogatar("admin", "history", "--area", "cases"), "--area")


def test_web_set_password_is_in_the_history_and_ends_a_temporary_one(
    hogatar, sqlite_runtime, monkeypatch
):
    rt = sqlite_runtime
    ok(hogatar("staff", "add", "lilit.g", "--name", "Լիլիթ", "--role", "social_worker"))
    ok(hogatar("web", "reset-password", "lilit.g", "--temporary"))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("Մեր ծրագիրը 2026\n"))
    ok(hogatar("web", "set-password", "lilit.g", "--password-stdin"))
    assert not staff_row(rt, "lilit.g").must_change_password
    change = changes(rt, subject="lilit.g")[-1]
    assert change.action == "password_set" and change.actor.startswith("cli:")
    assert change.before == {} and change.after == {}
