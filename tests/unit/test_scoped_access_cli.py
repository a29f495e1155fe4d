"""Scoped access on the command line: acting for a staff member (``--actor``), a command
reads and changes what that person may in the web app, and an operator without
``--actor`` sees everything."""

from __future__ import annotations

import csv

import pytest

from tests import programme_fixtures as pf
from workflow import cli, cli_context
from workflow.programme.staff import AddStaff, SetStaffCommunities
from workflow.services import handle

COLLEAGUE = "sw-colleague"


@pytest.fixture
def hogatar(sqlite_runtime, monkeypatch, capsys):
    monkeypatch.setattr(cli_context, "_runtime", sqlite_runtime)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            cli.main(list(args))
        captured = capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    return run


@pytest.fixture
def cases(sqlite_runtime):
    rt = sqlite_runtime
    pf.ensure_staff(rt)
    handle(rt, AddStaff(username=COLLEAGUE, full_name="Կարեն Հ", role="social_worker", actor="t"))
    handle(rt, SetStaffCommunities(username=pf.SOCIAL_WORKER, communities=("hrazdan",), actor="t"))
    return {
        "own": pf.register(
            rt, family_name="Ավետիքյան", community="abovyan", phone="+374 91 700001"
        ),
        "community": pf.register(
            rt, actor=COLLEAGUE, family_name="Բաբայան", community="hrazdan", phone="+374 91 700002"
        ),
        "other": pf.register(
            rt,
            actor=COLLEAGUE,
            family_name="Գալստյան",
            community="charentsavan",
            phone="+374 91 700003",
        ),
    }


def test_a_case_outside_the_scope_does_not_exist_for_the_staff_member(hogatar, cases):
    other = str(cases["other"])
    for command in (("family", "show"), ("case", "show")):
        code, out, err = hogatar(*command, other, "--actor", pf.SOCIAL_WORKER)
        assert (code, out) == (2, "")
        assert err.strip() == f"hogatar: case {other} does not exist"
        code, out, err = hogatar(*command, other)  # the operator at the terminal
        assert code == 0 and "Գալստյան" in out, err
    code, out, _ = hogatar("family", "show", str(cases["community"]), "--actor", pf.SOCIAL_WORKER)
    assert code == 0 and "Բաբայան" in out  # a colleague's case of their community: read


def test_a_colleagues_case_is_read_only_and_nothing_changes(hogatar, cases, sqlite_runtime):
    community = str(cases["community"])
    code, _, err = hogatar(
        "consent",
        "record",
        community,
        "--purpose",
        "participation",
        "--given-by-name",
        "Սոնա Բ",
        "--date",
        "2026-01-11",
        "--actor",
        pf.SOCIAL_WORKER,
    )
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "is a colleague's: you can read it but not change it" in err
    shown = hogatar("case", "show", community, "--json")[1]
    assert "record_consent" not in shown
    code, _, err = hogatar(
        "assign", community, "--social-worker", COLLEAGUE, "--actor", pf.SOCIAL_WORKER
    )
    assert code == 2 and "colleague's" in err


def test_search_and_export_hold_only_what_the_staff_member_may_read(hogatar, cases, tmp_path):
    code, out, _ = hogatar("family", "search", "յան", "--actor", pf.SOCIAL_WORKER)
    assert code == 0 and "Ավետիքյան" in out and "Բաբայան" in out and "Գալստյան" not in out
    everyone = hogatar("family", "search", "յան")[1]
    assert "Գալստյան" in everyone
    path = tmp_path / "cases.csv"
    code, out, err = hogatar("export", "cases", str(path), "--actor", pf.SOCIAL_WORKER)
    assert code == 0, err
    names = {row["family_name"] for row in csv.DictReader(path.open(encoding="utf-8-sig"))}
    assert names == {"Ավետիքյան", "Բաբայան"}
    code, _, err = hogatar("export", "cases", str(path))
    names = {row["family_name"] for row in csv.DictReader(path.open(encoding="utf-8-sig"))}
    assert "Գալստյան" in names
