"""Changing a workflow while cases run, on PostgreSQL: running cases keep the graph they
started on, new cases get the new one, and moving running cases is an explicit,
listed, per-case step with an event on each timeline."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.programme_fixtures import case_in, prepare, register
from workflow import queries
from workflow.cli_workflows import start_up_lines
from workflow.commands import AdvanceCase
from workflow.errors import DefinitionError, InvalidInput, TriggerNotAllowed
from workflow.migration import MIGRATE_TRIGGER, MigrateWorkflow, migrate_cases
from workflow.persistence.models import CaseEventRow, CaseRow, WorkflowVersionRow
from workflow.services import handle
from workflow.versions import versions_in_use

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
FAMILY_TOML = (ROOT / "config" / "workflows" / "family_case.toml").read_text(encoding="utf-8")

CONFERENCE_STATE = """
[[states]]
name = "case_conference"
label = { en = "Case conference", hy = "Դեպքի քննարկում" }
"""
CONFERENCE_STEP = """
[[transitions]]
trigger = "hold_conference"
label = { en = "Hold the case conference", hy = "Անցկացնել դեպքի քննարկումը" }
source = ["enrolled"]
dest = "case_conference"
"""


def with_conference(toml: str) -> str:
    """The family workflow with a case conference between enrolment and services."""
    toml = toml.replace(
        '[[states]]\nname = "receiving_services"',
        CONFERENCE_STATE.strip() + '\n\n[[states]]\nname = "receiving_services"',
        1,
    )
    start = toml.index('trigger = "start_services"')
    toml = toml[:start] + toml[start:].replace(
        'source = ["enrolled"]', 'source = ["case_conference"]', 1
    )
    toml = toml.replace(
        '"enrolled", "receiving_services"', '"enrolled", "case_conference", "receiving_services"', 1
    )
    return toml + CONFERENCE_STEP


def without_conference_again(toml: str) -> str:
    """A third file: the conference is dropped again and the title changes, so this is a
    new version (not version 1 again) that lacks a state cases are in."""
    return (
        with_conference(toml)
        .replace(CONFERENCE_STATE.strip(), "")
        .replace(CONFERENCE_STEP, "")
        .replace('source = ["case_conference"]', 'source = ["enrolled"]')
        .replace(
            '"enrolled", "case_conference", "receiving_services"',
            '"enrolled", "receiving_services"',
        )
        .replace('title = "Family case"', 'title = "Family case (2027)"')
    )


def workflows_dir(tmp_path: Path, name: str, toml: str) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    (directory / "family_case.toml").write_text(toml, encoding="utf-8")
    return directory


@pytest.fixture
def make_rt(clean_db, clean_redis, runtime_for, tmp_path):
    def make(name: str, toml: str):
        return runtime_for(clean_db, clean_redis, workflows_dir=workflows_dir(tmp_path, name, toml))

    return make


def allowed(rt, case_id: int) -> list[str]:
    return queries.case_view(rt, case_id=case_id)["allowed_triggers"]


def version_of(rt, case_id: int) -> int:
    with rt.session_factory() as session:
        return session.get(CaseRow, case_id).workflow_version


def test_running_cases_keep_their_graph_and_new_cases_get_the_new_one(make_rt):
    old = make_rt("v1", FAMILY_TOML)
    enrolled = case_in(old, "enrolled", family_name="Հակոբյան", confirm=True)
    referred = register(old, family_name="Սարգսյան", confirm=True)
    assert old.current_version("family_case") == 1

    new = make_rt("v2", with_conference(FAMILY_TOML))
    assert new.current_version("family_case") == 2
    # The case enrolled under version 1 still goes straight to services ...
    assert "start_services" in allowed(new, enrolled)
    prepare(new, enrolled, "start_services")
    handle(new, AdvanceCase(case_id=enrolled, trigger="start_services", actor="worker-1"))
    assert version_of(new, enrolled) == 1
    # ... while a case opened now must hold its case conference first.
    fresh = case_in(new, "enrolled", family_name="Ավետիսյան", confirm=True)
    assert version_of(new, fresh) == 2
    assert set(allowed(new, fresh)) == {"hold_conference", "close"}
    prepare(new, fresh, "start_services")
    with pytest.raises(TriggerNotAllowed):
        handle(new, AdvanceCase(case_id=fresh, trigger="start_services", actor="worker-1"))
    handle(new, AdvanceCase(case_id=fresh, trigger="hold_conference", actor="worker-1"))
    assert set(allowed(new, fresh)) == {"start_services", "close"}
    # The same file loaded again is the same version; the old file still is version 1.
    assert make_rt("v2-again", with_conference(FAMILY_TOML)).current_version("family_case") == 2
    assert version_of(new, referred) == 1


def test_the_dry_run_lists_and_the_migration_moves_each_case_with_an_event(make_rt):
    old = make_rt("v1", FAMILY_TOML)
    enrolled = case_in(old, "enrolled", confirm=True)
    referred = register(old, confirm=True)
    closed = case_in(old, "closed", confirm=True)
    new = make_rt("v2", with_conference(FAMILY_TOML))

    dry = migrate_cases(new, MigrateWorkflow("family_case", 2, actor="cli:operator"))
    assert [(p.case_id, p.from_state, p.outcome) for p in dry.plans] == [
        (enrolled, "enrolled", "kept"),
        (referred, "referred", "kept"),
    ]  # the closed case is not running: it stays where it finished
    assert dry.moved == () and version_of(new, enrolled) == 1

    done = migrate_cases(
        new, MigrateWorkflow("family_case", 2, actor="cli:operator", dry_run=False)
    )
    assert done.moved == (enrolled, referred)
    assert (version_of(new, enrolled), version_of(new, referred), version_of(new, closed)) == (
        2,
        2,
        1,
    )
    with new.session_factory() as session:
        events = session.scalars(
            select(CaseEventRow).where(CaseEventRow.trigger == MIGRATE_TRIGGER)
        ).all()
    assert sorted(e.case_id for e in events) == [enrolled, referred]
    assert {e.data["from_version"] for e in events} == {1}
    assert {e.data["to_version"] for e in events} == {2}
    assert all(e.actor == "cli:operator" for e in events)
    # The moved case now follows the new graph.
    assert set(allowed(new, enrolled)) == {"hold_conference", "close"}


def test_a_state_removed_keeps_its_cases_on_their_version_until_mapped(make_rt, capsys):
    make_rt("v1", FAMILY_TOML)
    v2 = make_rt("v2", with_conference(FAMILY_TOML))
    in_conference = case_in(v2, "enrolled", confirm=True)
    handle(v2, AdvanceCase(case_id=in_conference, trigger="hold_conference", actor="worker-1"))
    enrolled = case_in(v2, "enrolled", confirm=True)

    v3 = make_rt("v3", without_conference_again(FAMILY_TOML))
    assert v3.current_version("family_case") == 3
    # The file of version 2 is gone; its cases run on the stored definition.
    assert set(allowed(v3, in_conference)) == {"start_services", "close"}
    with v3.session_factory() as session:
        rows = versions_in_use(session, v3.versions, v3.session_factory)
    v2_row = next(r for r in rows if r.version == 2)
    assert (v2_row.running_cases, v2_row.stranded_cases, v2_row.stranded_states) == (
        2,
        1,
        ("case_conference",),
    )
    [line] = start_up_lines(rows)
    assert "2 running cases stay on version 2" in line
    assert "--map case_conference=<state>" in line

    refused = migrate_cases(
        v3, MigrateWorkflow("family_case", 3, actor="cli:operator", dry_run=False)
    )
    assert refused.moved == (enrolled,)
    [plan] = refused.refused
    assert plan.case_id == in_conference and "add --map case_conference=" in plan.note
    assert version_of(v3, in_conference) == 2

    mapped = migrate_cases(
        v3,
        MigrateWorkflow(
            "family_case",
            3,
            actor="cli:operator",
            mapping={"case_conference": "enrolled"},
            dry_run=False,
        ),
    )
    assert mapped.moved == (in_conference,)
    with v3.session_factory() as session:
        case = session.get(CaseRow, in_conference)
        assert (case.state, case.workflow_version) == ("enrolled", 3)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (MigrateWorkflow("family_case", 9, actor="cli:op"), "has no version 9; its versions: 1, 2"),
        (
            MigrateWorkflow("family_case", 2, actor="cli:op", mapping={"enrolled": "nowhere"}),
            "version 2 of 'family_case' has no state 'nowhere'",
        ),
        (
            MigrateWorkflow("family_case", 2, actor="cli:op", mapping={"limbo": "enrolled"}),
            "no version of 'family_case' has a state 'limbo'",
        ),
        (
            MigrateWorkflow("family_case", 2, actor="cli:op", case_ids=[999]),
            "case 999 is not a case of workflow 'family_case'",
        ),
    ],
)
def test_bad_migrations_are_one_clear_line_and_change_nothing(make_rt, command, message):
    old = make_rt("v1", FAMILY_TOML)
    case_id = case_in(old, "enrolled", confirm=True)
    new = make_rt("v2", with_conference(FAMILY_TOML))
    with pytest.raises(InvalidInput, match=message):
        migrate_cases(new, MigrateWorkflow(**{**command.__dict__, "dry_run": False}))
    assert version_of(new, case_id) == 1
    with new.session_factory() as session:
        assert (
            session.scalar(select(CaseEventRow.id).where(CaseEventRow.trigger == MIGRATE_TRIGGER))
            is None
        )


def test_processes_starting_together_record_one_version(
    make_rt, tmp_path, clean_db, clean_redis, runtime_for
):
    make_rt("v1", FAMILY_TOML)
    directory = workflows_dir(tmp_path, "v2", with_conference(FAMILY_TOML))
    versions: list[int] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        rt = runtime_for(clean_db, clean_redis, workflows_dir=directory)
        versions.append(rt.current_version("family_case"))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert versions == [2, 2, 2, 2]
    rt = runtime_for(clean_db, clean_redis, workflows_dir=directory)
    with rt.session_factory() as session:
        assert session.scalars(select(WorkflowVersionRow.version)).all() == [1, 2]


def test_a_pinned_version_whose_guard_is_gone_stops_start_up_naming_it(make_rt, clean_db):
    old = make_rt("v1", FAMILY_TOML)
    case_id = case_in(old, "referred", confirm=True)
    with old.session_factory.begin() as session:
        row = session.scalars(select(WorkflowVersionRow)).one()
        # As if version 1 had used a guard the installed programme no longer has.
        changed = dict(row.definition)
        changed["transitions"] = [
            {**t, "guards": ["retired_guard"]} if t["trigger"] == "assess" else t
            for t in changed["transitions"]
        ]
        row.definition = changed
    new = make_rt("v2", with_conference(FAMILY_TOML))
    with pytest.raises(DefinitionError, match="family_case.toml, version 1.*retired_guard"):
        new.versions.check_versions_in_use(new.session_factory)
    assert version_of(new, case_id) == 1


def test_start_up_and_the_cli_say_which_cases_stay_behind(
    make_rt, tmp_path, clean_db, clean_redis, settings_for
):
    old = make_rt("v1", FAMILY_TOML)
    case_in(old, "enrolled", confirm=True)
    directory = workflows_dir(tmp_path, "cli-v2", without_conference_again(FAMILY_TOML))
    settings = settings_for(clean_db, clean_redis, workflows_dir=directory)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOGATAR_DATABASE_URL": settings.database_url,
        "HOGATAR_BROKER_URL": settings.broker_url,
        "HOGATAR_WORKFLOWS_DIR": str(directory),
        "HOGATAR_VAR_DIR": str(tmp_path / "var"),
    }

    def hogatar(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "workflow.cli", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    checked = hogatar("workflow", "check")
    assert checked.returncode == 0, checked.stderr
    assert "its file changed; recorded as version 2" in checked.stderr
    assert "1 running cases stay on version 1" in checked.stderr
    listed = hogatar("workflow", "versions")
    assert "family_case v2, newest: 0 running" in listed.stdout
    assert "family_case v1: 1 running" in listed.stdout
    dry = hogatar("workflow", "migrate", "family_case", "--to", "2", "--dry-run")
    assert dry.returncode == 0 and "would move 1, refused 0" in dry.stdout
    bad = hogatar("workflow", "migrate", "family_case", "--to", "5")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr.strip() == (
        "hogatar: workflow 'family_case' has no version 5; its versions: 1, 2 "
        "(hogatar workflow versions)"
    )
    bad_map = hogatar("workflow", "migrate", "family_case", "--to", "2", "--map", "enrolled")
    assert bad_map.returncode == 2 and "write it as OLD=NEW" in bad_map.stderr
    moved = hogatar("workflow", "migrate", "family_case", "--to", "2", "--actor", "cli:operator")
    assert moved.returncode == 0 and "moved 1, refused 0" in moved.stdout
