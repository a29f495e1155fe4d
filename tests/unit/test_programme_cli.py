"""The programme's CLI commands, run in-process against the test's SQLite runtime (fast),
plus the two things only a real process shows: `db upgrade` on a fresh file and the demo."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from config.settings import Settings
from tests.programme_fixtures import PSYCHOLOGIST, SOCIAL_WORKER, ensure_staff
from tests.support import ROOT
from workflow import cli, cli_context, queries
from workflow.persistence.migrate import upgrade
from workflow.persistence.models import CaseRow, OutboxRow
from workflow.programme.demo import seed_demo
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.staff import CommunityRow, StaffRow

FAMILY = {
    "family_name": "Մկրտչյան",
    "community": "Չարենցավան",
    "phone": "+374 93 765432",
    "referral_partner_type": "integrated_social_services",
    "referral_partner_name": "Չարենցավանի ՄՍԾ տարածքային կենտրոն",
    "state_benefit": "yes",
    "members": [
        {"role": "mother", "full_name": "Գայանե Մկրտչյան", "date_of_birth": "12.05.1988"},
        {"role": "child", "full_name": "Դավիթ Մկրտչյան", "date_of_birth": "2014-02-20"},
    ],
}


@pytest.fixture
def hogatar(sqlite_runtime, monkeypatch, capsys):
    """Run `hogatar ARGS` in this process; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli_context, "_runtime", sqlite_runtime)

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


def test_a_family_through_its_whole_case_on_the_cli(hogatar, sqlite_runtime, tmp_path):
    ensure_staff(sqlite_runtime)
    form = tmp_path / "family.json"
    form.write_text(json.dumps(FAMILY, ensure_ascii=False), encoding="utf-8")
    # Registered by the social worker, who is assigned to it and so may work on it.
    registered = json.loads(
        ok(
            hogatar(
                "family", "register", "--json-file", str(form), "--json", "--actor", SOCIAL_WORKER
            )
        )
    )
    case = str(registered["id"])
    assert registered["version"] == 2
    actor = ["--actor", SOCIAL_WORKER]
    ok(
        hogatar(
            "assessment",
            "record",
            case,
            "--assessor",
            SOCIAL_WORKER,
            "--date",
            "10.01.2026",
            "--risk",
            "--risk-description",
            "Մայրը մտածում է հանձնել երեխային",
            "--criteria",
            "extreme_poverty,single_parent",
            *actor,
        )
    )
    ok(hogatar("case", "advance", case, "assess", *actor))
    ok(
        hogatar(
            "consent",
            "record",
            case,
            *("--purpose", "Մասնակցություն ծրագրին", "--purpose", "referral"),
            *("--given-by-name", "Սոնա Մկրտչյան (խնամակալ)"),
            *("--date", "2026-01-11"),
            *actor,
        )
    )
    ok(hogatar("case", "advance", case, "enrol", *actor))
    ok(
        hogatar(
            "assign", case, "--social-worker", SOCIAL_WORKER, "--psychologist", PSYCHOLOGIST, *actor
        )
    )
    out = ok(
        hogatar(
            "plan",
            "add-service",
            case,
            "--service",
            "school_supplies",
            "--target-date",
            "2026-02-01",
            "--provider-staff",
            SOCIAL_WORKER,
            *actor,
        )
    )
    planned = out.split("#")[1].split()[0]
    ok(hogatar("case", "advance", case, "start_services", *actor))
    ok(hogatar("plan", "start", planned, *actor))
    ok(
        hogatar(
            "plan",
            "deliver",
            planned,
            "--date",
            "2026-01-14",
            "--cost",
            "35 000",
            "--quantity",
            "2",
            *actor,
        )
    )
    ok(
        hogatar(
            "counselling",
            "record",
            "--kind",
            "individual",
            "--case",
            case,
            "--psychologist",
            PSYCHOLOGIST,
            "--date",
            "2026-01-13",
            "--follow-up",
            *actor,
        )
    )
    ok(
        hogatar(
            "income",
            "record",
            case,
            "--kind",
            "employment",
            "--started",
            "2026-01-05",
            "--monthly-amd",
            "120000",
            *actor,
        )
    )
    ok(hogatar("case", "advance", case, "stabilise", *actor))

    shown = json.loads(ok(hogatar("family", "show", case, "--json")))
    assert shown["state"] == "economically_stabilised"
    assert shown["services"][0]["deliveries"][0]["cost_amd"] == 35_000
    assert shown["counselling"][0]["follow_up_needed"] is True
    text = ok(hogatar("family", "show", case))
    assert "Մկրտչյան, Չարենցավան" in text and "child: Դավիթ Մկրտչյան" in text

    # `case show --json` keeps the engine's keys; every change is on the timeline, with its actor.
    view = json.loads(ok(hogatar("case", "show", case, "--json")))
    assert {
        "id",
        "workflow",
        "state",
        "version",
        "family_name",
        "community",
        "opened_at",
        "updated_at",
        "allowed_triggers",
        "timeline",
    } <= set(view)
    assert [e["trigger"] for e in view["timeline"]] == [
        "open",
        "register_family",
        "record_assessment",
        "assess",
        "record_consent",
        "enrol",
        "assign",
        "plan_service",
        "start_services",
        "start_service",
        "record_delivery",
        "record_counselling",
        "record_income",
        "stabilise",
    ]
    assert {e["actor"] for e in view["timeline"][2:]} == {SOCIAL_WORKER}

    out = ok(hogatar("consent", "withdraw", case, "--date", "2026-01-15", "--reason", "Մեկնում են"))
    assert "economically_stabilised -> closed" in out
    found = json.loads(ok(hogatar("family", "search", "ԴԱՎԻԹ", "--json")))
    assert [(f["case_id"], f["state"]) for f in found] == [(int(case), "closed")]


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["family", "register"], "give the form either as --data"),
        (["family", "register", "--data", "{oops"], "--data is not valid JSON"),
        (["family", "register", "--data", "[]"], "family: must be a JSON object"),
        (["family", "register", "--data", '{"family_name": "Ա"}'], "community: is required"),
        (["family", "show", "42"], "case 42 does not exist"),
        (
            ["plan", "deliver", "1", "--date", "2026-01-01", "--cost", "12.5"],
            "--cost: '12.5' is not a whole number of dram (AMD)",
        ),
        (
            ["plan", "deliver", "1", "--date", "2026-01-01", "--cost", "-3"],
            "--cost: must be at least 0",
        ),
        (["plan", "deliver", "1", "--date", "someday"], "--date: 'someday' is not a date"),
        (["plan", "start", "9"], "planned service 9 does not exist"),
        (["reassign", "--from", "ghost", "--to", "nobody"], "no staff member with the username"),
        (["staff", "add", "x y", "--name", "Ա", "--role", "chef"], "role: 'chef' is not one of"),
        (
            ["community", "add", "--code", "hrazdan", "--name-hy", "Ա", "--name-en", "B"],
            "already exists",
        ),
        (["import", "families", "list.docx"], "use a .csv or .xlsx file"),
        (["export", "cases", "out.csv", "--state", "lost"], "unknown state 'lost'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(hogatar, args, text):
    one_line_error(hogatar(*args), text)


def test_the_duplicate_warning_names_the_case_and_needs_confirmation(hogatar):
    data = json.dumps(FAMILY, ensure_ascii=False)
    first = ok(hogatar("family", "register", "--data", data)).strip()
    one_line_error(hogatar("family", "register", "--data", data), f"open case {first}")
    second = ok(hogatar("family", "register", "--data", data, "--confirm-duplicate")).strip()
    assert second != first


def test_import_prints_the_report_and_refuses_in_one_line(hogatar, sqlite_runtime, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "family_ref,family_name,community,role,full_name,date_of_birth\n"
        "A,Սարգսյան,Հրազդան,mother,Անի Սարգսյան,1990-01-01\n"
        "B,Պետրոսյան,Մարս,child,Արամ Պետրոսյան,2015-13-01\n",
        encoding="utf-8",
    )
    code, out, err = hogatar("import", "families", str(path))
    assert code == 2 and "nothing imported from list.csv: 2 problems in 1 of 2 families" in err
    assert out.splitlines() == [
        "row 3, column community: unknown community 'Մարս' (see `hogatar community list`)",
        "row 3, column date_of_birth: '2015-13-01' is not a date (use 2024-03-15 or 15.03.2024)",
    ]
    with sqlite_runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(FamilyRow)) == 0
    report = json.loads(ok(hogatar("import", "families", str(path), "--skip-invalid", "--json")))
    assert (report["imported"], report["skipped_families"]) == (1, ["B"])
    out = ok(hogatar("export", "cases", str(tmp_path / "cases.csv")))
    assert out.strip() == f"1 case(s) written to {tmp_path / 'cases.csv'}"


def test_staff_and_community_lists(hogatar):
    ok(
        hogatar(
            "staff",
            "add",
            "Lilit.P",
            "--name",
            "Լիլիթ Պողոսյան",
            "--role",
            "psychologist",
            "--email",
            "lilit@example.am",
        )
    )
    staff = json.loads(ok(hogatar("staff", "list", "--json")))
    assert [(s["username"], s["role"], s["language"]) for s in staff] == [
        ("lilit.p", "psychologist", "hy")
    ]
    ok(hogatar("staff", "deactivate", "lilit.p"))
    assert json.loads(ok(hogatar("staff", "list", "--json"))) == []
    assert "(inactive)" in ok(hogatar("staff", "list", "--all"))
    ok(hogatar("community", "add", "--code", "argel", "--name-hy", "Արգել", "--name-en", "Argel"))
    assert "Արգել" in ok(hogatar("community", "list"))


def test_db_upgrade_on_a_fresh_sqlite_file_seeds_the_communities(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOGATAR_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "HOGATAR_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "workflow.cli", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "workflow.cli", "community", "list", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    communities = json.loads(listed.stdout)
    assert len(communities) == 15 and communities[0] == {
        "id": 1,
        "code": "hrazdan",
        "hy": "Հրազդան",
        "en": "Hrazdan",
    }


def test_demo_seed_tells_real_stories_and_only_once(tmp_path):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        var_dir=tmp_path / "var",
        # Nothing listens here; the seed must not even try.
        broker_url="redis://127.0.0.1:9/0",
    )
    from workflow.persistence.database import make_engine

    engine = make_engine(settings.database_url)
    upgrade(engine)
    message = seed_demo(settings, families=22)
    assert message.startswith("demo data added: 22 families")
    with engine.connect() as connection:
        states = dict(
            connection.execute(select(CaseRow.state, func.count()).group_by(CaseRow.state)).all()
        )
        communities = connection.scalar(select(func.count(func.distinct(FamilyRow.community_id))))
        names = connection.scalars(select(MemberRow.full_name)).all()
        roles = set(connection.scalars(select(StaffRow.role)))
        outbox = set(connection.scalars(select(OutboxRow.status)))
        seeded = connection.scalar(select(func.count()).select_from(CommunityRow))
    assert set(states) == {
        "referred",
        "assessed",
        "enrolled",
        "receiving_services",
        "economically_stabilised",
        "closed",
    }
    assert communities >= 10 and seeded == 15
    assert all(any("\u0531" <= ch <= "\u058f" for ch in name) for name in names)
    assert roles == {"admin", "manager", "social_worker", "psychologist", "procurement_officer"}
    assert outbox == {"pending"}  # left for the outbox sweep: no broker was needed
    assert seed_demo(settings, if_empty=True) == (
        "the database already has 22 case(s): no demo data added"
    )
    with pytest.raises(Exception, match="already has 22 case"):
        seed_demo(settings)
    engine.dispose()
    from tests.support import RecordingPublisher
    from workflow.bootstrap import bootstrap

    rt = bootstrap(settings, publisher=RecordingPublisher())
    timeline = queries.case_view(rt, case_id=1)["timeline"]
    assert timeline[0]["trigger"] == "open" and timeline[1]["trigger"] == "register_family"
    # The demo's psychologists hold sessions, and the reports show them as the counselling
    # the plans hold (not "psychological support 0" beside sessions on every case page).
    from web.reports import reporting

    support = next(b for b in reporting.services_delivered(rt) if b.code == "psychosocial")
    assert support.value > 0
    rt.engine.dispose()
