"""`hogatar note add | list | correct | search`: bad input is one line and exit 2 with
nothing written; a staff member's `--actor` reads a confidential note as the web shows
it to them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import PSYCHOLOGIST, SOCIAL_WORKER, ensure_staff, register, today
from tests.unit.test_programme_cli import hogatar, ok  # noqa: F401 - the fixture
from workflow.programme import staff as programme_staff
from workflow.programme.families import AssignCase
from workflow.programme.notes import NoteRow
from workflow.programme.staff import AddStaff
from workflow.services import handle

SECRET = "Հայրը կորցրել է աշխատանքը"


@pytest.fixture
def case_id(sqlite_runtime):
    rt = sqlite_runtime
    ensure_staff(rt)
    handle(rt, AddStaff(username="sw-karen", full_name="Կարեն", role="social_worker", actor="t"))
    # The second worker reads the open cases of Hrazdan (scoped access).
    handle(
        rt,
        programme_staff.SetStaffCommunities(
            username="sw-karen", communities=("hrazdan",), actor="t"
        ),
    )
    case = register(rt, actor=SOCIAL_WORKER)
    handle(rt, AssignCase(case_id=case, actor="t", psychologist=PSYCHOLOGIST))
    return case


def notes(rt):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(NoteRow))


def add(hogatar, case_id, *extra, text=SECRET, kind="phone_call", day="today"):  # noqa: F811
    return hogatar(
        "note",
        "add",
        "--case",
        str(case_id),
        "--kind",
        kind,
        "--date",
        day,
        "--text",
        text,
        "--actor",
        SOCIAL_WORKER,
        *extra,
    )


def test_write_list_and_correct_from_the_command_line(hogatar, sqlite_runtime, case_id):  # noqa: F811
    day = today(sqlite_runtime).isoformat()
    written = json.loads(ok(add(hogatar, case_id, "--confidential", "--json", day=day)))
    other = json.loads(
        ok(hogatar("note", "list", "--case", str(case_id), "--actor", "sw-karen", "--json"))
    )
    assert [(n["id"], n["text"], n["confidential"]) for n in other] == [
        (written["note_id"], None, True)
    ]
    assert "not shown to you" in ok(
        hogatar("note", "list", "--case", str(case_id), "--actor", "sw-karen")
    )
    assert SECRET in ok(hogatar("note", "list", "--case", str(case_id), "--actor", PSYCHOLOGIST))
    assert SECRET in ok(hogatar("note", "search", "աշխատանք", "--actor", PSYCHOLOGIST))
    assert "no note found" in ok(hogatar("note", "search", "աշխատանք", "--actor", "sw-karen"))
    ok(
        hogatar(
            "note",
            "correct",
            "--note",
            str(written["note_id"]),
            "--text",
            "Ուղղված",
            "--actor",
            SOCIAL_WORKER,
        )
    )
    assert "corrected 1x" in ok(hogatar("note", "list", "--case", str(case_id)))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "ա" * 100_000}, "text"),
        ({"kind": "gossip"}, "kind"),
        ({"day": "future"}, "noted_on"),
        ({"day": "31.02.2026"}, "--date"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    hogatar,  # noqa: F811
    sqlite_runtime,
    case_id,
    change,
    field,
):
    if change.get("day") == "future":
        change["day"] = (today(sqlite_runtime) + timedelta(days=1)).isoformat()
    change.setdefault("day", today(sqlite_runtime).isoformat())
    code, _, err = add(hogatar, case_id, **change)
    assert code == 2 and len(err.strip().splitlines()) == 1 and field in err, err
    assert notes(sqlite_runtime) == 0


def test_a_late_correction_or_another_persons_is_one_line_exit_2(
    hogatar,  # noqa: F811
    sqlite_runtime,
    case_id,
    clock,
):
    written = json.loads(ok(add(hogatar, case_id, "--json", day=today(sqlite_runtime).isoformat())))
    note = str(written["note_id"])
    code, _, err = hogatar("note", "correct", "--note", note, "--text", "x", "--actor", "sw-karen")
    assert code == 2 and "only its author" in err and len(err.strip().splitlines()) == 1
    clock.advance(timedelta(hours=25))
    code, _, err = hogatar(
        "note", "correct", "--note", note, "--text", "x", "--actor", SOCIAL_WORKER
    )
    assert code == 2 and "more than 24 hours ago" in err and len(err.strip().splitlines()) == 1
    code, _, err = hogatar("note", "correct", "--note", "999", "--text", "x")
    assert code == 2 and "note 999 does not exist" in err
    code, _, err = hogatar("note", "list", "--case", "999")
    assert code == 2 and "case 999 does not exist" in err
