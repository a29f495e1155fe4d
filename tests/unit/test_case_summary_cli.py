"""``hogatar family summary CASE --actor USERNAME``: the printable case summary as text,
as that staff member may read it: the child's health notes are filled but not shown to a
social worker and read by the psychologist, a confidential note is read by its author
and not by a colleague; a case outside the scope, an unknown case and a foster-care case
are one line and exit 2; each summary shown is in the access log."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests import programme_fixtures as pf
from workflow import cli, cli_context
from workflow.programme.families import MemberInput
from workflow.programme.notes import AddNote
from workflow.programme.privacy import AccessLogRow
from workflow.programme.staff import AddStaff, SetStaffCommunities
from workflow.services import handle

HEALTH = "Ասթմա, ինհալյատոր ամեն առավոտ"
SECRET = "Մայրը պատմեց, որ հայրը խմում է"
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
def case_id(sqlite_runtime):
    rt = sqlite_runtime
    members = (
        MemberInput(role="mother", full_name="Անի Սարգսյան", date_of_birth=date(1990, 4, 2)),
        MemberInput(
            role="child",
            full_name="Նարե Սարգսյան",
            date_of_birth=date(2016, 9, 1),
            health_notes=HEALTH,
        ),
    )
    case = pf.register(rt, members=members)
    pf.assign_psychologist(rt, case)
    pf.assess(rt, case)
    handle(
        rt,
        AddNote(
            case_id=case,
            kind="observation",
            noted_on=pf.today(rt),
            text=SECRET,
            actor=pf.SOCIAL_WORKER,
            confidential=True,
        ),
    )
    handle(rt, AddStaff(username=COLLEAGUE, full_name="Կարեն Հ", role="social_worker", actor="t"))
    for username in (pf.SOCIAL_WORKER, COLLEAGUE):
        handle(rt, SetStaffCommunities(username=username, communities=("hrazdan",), actor="t"))
    return case


def test_the_summary_as_each_reader_may_read_it(hogatar, case_id, sqlite_runtime):
    code, out, err = hogatar("family", "summary", str(case_id), "--actor", pf.SOCIAL_WORKER)
    assert code == 0, err
    assert f"case {case_id}: Սարգսյան" in out
    assert "child: Նարե Սարգսյան, born 2016-09-01; health notes: (filled; not shown" in out
    assert HEALTH not in out
    assert "criteria: extreme_poverty, single_parent" in out
    assert f"[confidential]: {SECRET}" in out  # her own note

    code, out, err = hogatar("family", "summary", str(case_id), "--actor", COLLEAGUE)
    assert code == 0, err
    assert SECRET not in out and "(a confidential note you may not read)" in out

    code, out, err = hogatar(
        "family", "summary", str(case_id), "--actor", pf.PSYCHOLOGIST, "--json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["members"][1]["health_notes"] == HEALTH
    assert summary["notes"][0]["text"] == SECRET
    assert summary["assessments"][0]["criteria"] == ["extreme_poverty", "single_parent"]

    with sqlite_runtime.session_factory() as session:
        logged = session.execute(
            select(AccessLogRow.actor, AccessLogRow.kind, AccessLogRow.source)
            .where(AccessLogRow.detail == "printed summary")
            .order_by(AccessLogRow.id)
        ).all()
    assert [tuple(row) for row in logged] == [
        (pf.SOCIAL_WORKER, "view_case", "cli"),
        (COLLEAGUE, "view_case", "cli"),
        (pf.PSYCHOLOGIST, "view_case", "cli"),
    ]


def test_outside_the_scope_unknown_or_not_a_family_one_line_exit_2(
    hogatar, case_id, sqlite_runtime
):
    from tests.foster_fixtures import inquire

    rt = sqlite_runtime
    handle(rt, AddStaff(username="sw-far", full_name="Լիլիթ Գ", role="social_worker", actor="t"))
    handle(rt, SetStaffCommunities(username="sw-far", communities=("abovyan",), actor="t"))
    foster = inquire(rt)
    # The foster-care case asked by the operator at the terminal, who reads every case.
    for case, actor in ((case_id, ["--actor", "sw-far"]), (999999, []), (foster, [])):
        code, out, err = hogatar("family", "summary", str(case), *actor)
        assert (code, out) == (2, ""), (case, actor, err)
        assert err.strip() == f"hogatar: case {case} does not exist", err
    with rt.session_factory() as session:
        assert session.scalar(select(AccessLogRow.id)) is None
