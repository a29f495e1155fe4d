"""`hogatar foster ...` in-process against the test's SQLite runtime: a foster family from
inquiry to its first monitoring visit on the command line, and bad input refused in one
line (exit 2) that names the field, with nothing written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.foster_fixtures import all_documents, all_modules
from tests.programme_fixtures import SOCIAL_WORKER, ensure_staff, today
from workflow import cli, cli_context
from workflow.persistence.models import CaseRow
from workflow.programme.foster_care import FosterFamilyRow, FosterTrainingRow


@pytest.fixture
def hogatar(sqlite_runtime, monkeypatch, capsys):
    """Run `hogatar ARGS` in this process; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli_context, "_runtime", sqlite_runtime)
    ensure_staff(sqlite_runtime)

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


def one_line_error(result, text):
    code, _, err = result
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert text in err


def count(rt, model):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_foster_family_from_inquiry_to_monitoring_on_the_cli(hogatar, sqlite_runtime):
    day = today(sqlite_runtime).isoformat()
    actor = ["--actor", SOCIAL_WORKER]
    opened = json.loads(
        ok(
            hogatar(
                "foster",
                "inquire",
                "--family-name",
                "Ղազարյան",
                "--community",
                "Հրազդան",
                "--adults",
                "2",
                "--json",
                *actor,
            )
        )
    )
    case = str(opened["id"])
    code, _, err = hogatar("case", "advance", case, "apply", *actor)
    assert code == 2 and f"hogatar foster apply {case}" in err
    steps = [
        ["foster", "apply", case, "--date", day, "--documents", ",".join(all_documents())],
        ["case", "advance", case, "apply"],
        ["case", "advance", case, "start_home_assessment"],
        ["foster", "home-assessment", case, "--assessor", SOCIAL_WORKER, "--date", day]
        + ["--outcome", "recommended", "--recommendation", "Տունը հարմար է"],
        ["case", "advance", case, "start_training"],
        ["foster", "training", case, "--date", day, "--modules", ",".join(all_modules())]
        + ["--trainer", "Լիլիթ Գրիգորյան"],
        ["case", "advance", case, "submit_to_commission"],
        ["foster", "decision", case, "--approved", "--number", "ԽՀՀ-14", "--date", day],
        ["case", "advance", case, "approve"],
        ["foster", "match", case, "--child-reference", "KOT-31", "--initials", "Ա.Հ."]
        + ["--age", "6", "--date", day],
        ["case", "advance", case, "match"],
        ["foster", "place", case, "--date", day],
        ["case", "advance", case, "place"],
        ["foster", "visit", case, "--visitor", SOCIAL_WORKER, "--date", day]
        + ["--observations", "Երեխան հարմարվել է"],
    ]
    for step in steps:
        ok(hogatar(*step, *actor))
    view = json.loads(ok(hogatar("foster", "show", case, "--json")))
    assert view["state"] == "monitoring"
    assert [len(view[k]) for k in ("decisions", "matches", "placements", "visits")] == [1, 1, 1, 1]


def test_the_foster_workflow_is_opened_by_its_inquiry_only(hogatar):
    one_line_error(hogatar("case", "open", "--workflow", "foster_care"), "hogatar foster inquire")


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--adults", "0"], "adults: must be at least 1"),
        (["--adults", "two"], "--adults"),
        (["--adults", "2", "--phone", "call me"], "phone"),
    ],
)
def test_a_bad_inquiry_is_refused_in_one_line(hogatar, sqlite_runtime, args, text):
    result = hogatar(
        "foster", "inquire", "--family-name", "Ղազարյան", "--community", "hrazdan", *args
    )
    one_line_error(result, text)
    assert count(sqlite_runtime, CaseRow) == 0 and count(sqlite_runtime, FosterFamilyRow) == 0


def test_bad_steps_are_refused_in_one_line(hogatar, sqlite_runtime):
    case = ok(
        hogatar(
            "foster", "inquire", "--family-name", "Ա", "--community", "hrazdan", "--adults", "1"
        )
    ).strip()
    one_line_error(
        hogatar("foster", "apply", case, "--date", "31.02.2026"), "--date: '31.02.2026' is not"
    )
    one_line_error(
        hogatar(
            "foster",
            "training",
            case,
            "--date",
            today(sqlite_runtime).isoformat(),
            "--modules",
            "child_development",
            "--trainer",
            "Լիլիթ",
        ),
        "is in inquiry: a training session is recorded while the case is in training",
    )
    one_line_error(hogatar("foster", "show", "999"), "999")
    assert count(sqlite_runtime, FosterTrainingRow) == 0
