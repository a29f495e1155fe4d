"""Workflow versions on SQLite, the embedded default: what makes a new version, and a
case on an older version shown and advanced where a page holds its own session open
(every SQLite transaction here is BEGIN IMMEDIATE, so a second one would wait)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings
from tests.programme_fixtures import case_in, close_case
from workflow import queries
from workflow.bootstrap import bootstrap
from workflow.definition import parse_definition
from workflow.errors import DefinitionError
from workflow.versions import VersionsNotMigrated

ROOT = Path(__file__).resolve().parents[2]
FAMILY_TOML = (ROOT / "config" / "workflows" / "family_case.toml").read_text(encoding="utf-8")
RAW = {
    "name": "pilot",
    "initial": "a",
    "states": [{"name": "a"}, {"name": "b", "final": True}],
    "transitions": [{"trigger": "go", "source": ["a"], "dest": "b"}],
}


def test_the_content_not_the_layout_makes_a_version():
    same = parse_definition(RAW, origin="pilot.toml")
    reordered = parse_definition(dict(reversed(list(RAW.items()))), origin="moved/pilot.toml")
    changed = parse_definition({**RAW, "title": "Pilot"}, origin="pilot.toml")
    assert same.content_hash == reordered.content_hash
    assert same.content_hash != changed.content_hash


def runtime_on(sqlite_runtime, tmp_path: Path, name: str, toml: str):
    directory = tmp_path / name
    directory.mkdir()
    (directory / "family_case.toml").write_text(toml, encoding="utf-8")
    settings = sqlite_runtime.settings.model_copy(update={"workflows_dir": directory})
    return bootstrap(
        settings,
        clock=sqlite_runtime.clock,
        publisher=sqlite_runtime.publisher,
        mailer=sqlite_runtime.mailer,
    )


def test_a_comment_is_no_new_version_and_a_changed_guard_is(sqlite_runtime, tmp_path):
    case_id = case_in(sqlite_runtime, "referred")
    assert sqlite_runtime.current_version("family_case") == 1
    commented = runtime_on(sqlite_runtime, tmp_path, "commented", "# reviewed\n" + FAMILY_TOML)
    assert commented.current_version("family_case") == 1
    # Enrolment no longer needs enough criteria: new cases only.
    looser = FAMILY_TOML.replace(
        '"abandonment_risk", "consent_on_file", "enough_criteria"',
        '"abandonment_risk", "consent_on_file"',
    )
    assert looser != FAMILY_TOML
    changed = runtime_on(sqlite_runtime, tmp_path, "changed", looser)
    assert changed.current_version("family_case") == 2
    # The old case is shown (inside the page's session) and advanced by version 1.
    view = queries.case_view(changed, case_id=case_id)
    assert view["workflow_version"] == 1
    old_enrol = changed.machine_at("family_case", 1).definition.transition("enrol", "assessed")
    new_enrol = changed.machine_at("family_case", 2).definition.transition("enrol", "assessed")
    assert "enough_criteria" in old_enrol.guards and "enough_criteria" not in new_enrol.guards
    close_case(changed, case_id, reason="moved")
    changed.engine.dispose()
    commented.engine.dispose()


def test_an_unmigrated_database_is_told_to_upgrade(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'old.sqlite3'}", var_dir=tmp_path)
    rt = bootstrap(settings)  # bootstrap itself does not need the table ...
    with pytest.raises(VersionsNotMigrated, match="run `hogatar db upgrade` first"):
        rt.sync_versions()  # ... but recording a version does
    rt.engine.dispose()


def test_an_unknown_stored_version_says_so(sqlite_runtime):
    with pytest.raises(DefinitionError, match="'family_case' has no version 7"):
        sqlite_runtime.machine_at("family_case", 7)
