"""The CLI as a user runs it: a subprocess, one line on stderr for errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support import ROOT, free_port


def make_env(directory):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOGATAR_")}
    return clean | {
        "HOGATAR_DATABASE_URL": f"sqlite:///{directory / 'cli.sqlite3'}",
        # Nothing listens here: publishing fails fast and rows stay pending for the sweep.
        "HOGATAR_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        "HOGATAR_PUBLISH_TIMEOUT_SECONDS": "0.2",
        "HOGATAR_VAR_DIR": str(directory / "var"),
    }


@pytest.fixture
def env(tmp_path):
    return make_env(tmp_path)


def hogatar(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


#: The smallest family form: registering it opens case 1 of a fresh database.
FAMILY = {
    "family_name": "Բաղդասարյան",
    "community": "Աբովյան",
    "members": [{"role": "mother", "full_name": "Անի Բաղդասարյան", "date_of_birth": "1990-01-01"}],
}


def register(env, *args):
    return hogatar(env, "family", "register", "--data", json.dumps(FAMILY), *args)


def assert_one_line_error(result, code, text):
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert text in lines[0]


@pytest.fixture
def migrated(env):
    assert hogatar(env, "db", "upgrade").returncode == 0
    return env


@pytest.fixture(scope="module")
def one_case(tmp_path_factory):
    """A database with case 1 (referred), shared by tests that only read or get refused."""
    env = make_env(tmp_path_factory.mktemp("cli"))
    assert hogatar(env, "db", "upgrade").returncode == 0
    assert register(env).returncode == 0
    return env


def test_the_json_outputs(migrated):
    opened = register(migrated, "--json")
    assert json.loads(opened.stdout) == {
        "id": 1,
        "family_id": 1,
        "version": 2,
        "duplicates_confirmed": [],
    }
    shown = json.loads(hogatar(migrated, "case", "show", "1", "--json").stdout)
    assert {"id", "state", "version", "allowed_triggers", "timeline"} <= set(shown)
    assert shown["timeline"][0]["trigger"] == "open"
    status = json.loads(hogatar(migrated, "outbox", "status", "--json").stdout)
    assert status == {"pending": 0, "published": 0, "done": 0, "failed": 0, "oldest_waiting": None}
    assert json.loads(hogatar(migrated, "incidents", "list", "--json").stdout) == []


def test_plain_register_prints_just_the_id(migrated):
    assert register(migrated).stdout.strip() == "1"


def test_a_bare_family_case_is_refused_with_the_command_that_opens_one(migrated):
    # A family case without its family file could never be enrolled.
    refused = hogatar(migrated, "case", "open", "--family", "Ա", "--community", "Բ")
    assert_one_line_error(refused, 2, "hogatar family register --data")
    assert hogatar(migrated, "case", "show", "1").returncode == 2  # nothing was opened


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["case", "advance", "77", "assess"], "case 77 does not exist"),
        (["case", "advance", "1", "fly"], "'fly' is not allowed from there; allowed:"),
        (["case", "advance", "1", "close"], "choose a closure reason from the list"),
        (
            ["case", "advance", "1", "assess"],
            "cannot 'assess' yet; first record an assessment of the family (hogatar assessment",
        ),
        (["case", "advance", "1", "assess", "--data", "{oops"], "--data is not valid JSON"),
        (["case", "advance", "1", "assess", "--data", "[1]"], "--data must be a JSON object"),
        (["case", "advance", "1", "assess", "--expected-version", "5"], "changed by someone else"),
        (["case", "advance", "1", "assess", "--expected-version", "0"], "--expected-version"),
        (["case", "advance", "one", "assess"], "Invalid value"),
        (["case", "show", "5"], "case 5 does not exist"),
        (["incidents", "retry", "3"], "incident 3 does not exist"),
        (["case", "frobnicate"], "No such command"),
        (["case", "open", "--workflow", "foster"], "unknown workflow 'foster'"),
        (["workflow", "diagram", "foster"], "unknown workflow 'foster'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(one_case, args, text):
    assert_one_line_error(hogatar(one_case, *args), 2, text)


def test_bad_settings_name_the_variable(env):
    result = hogatar(env | {"HOGATAR_DATABASE_URL": "mysql://db/x"}, "case", "show", "1")
    assert_one_line_error(result, 2, "HOGATAR_DATABASE_URL")
    result = hogatar(env | {"HOGATAR_BROKER_URL": "localhost"}, "case", "show", "1")
    assert_one_line_error(result, 2, "HOGATAR_BROKER_URL")
    result = hogatar(env | {"HOGATAR_EFFECT_MAX_RETRIES": "many"}, "outbox", "status")
    assert_one_line_error(result, 2, "HOGATAR_EFFECT_MAX_RETRIES")


def test_flower_refuses_to_start_without_a_password(env):
    assert_one_line_error(hogatar(env, "flower"), 2, "HOGATAR_FLOWER_PASSWORD is not set")


def test_unreachable_database_is_exit_1(env):
    result = hogatar(
        env | {"HOGATAR_DATABASE_URL": f"postgresql://127.0.0.1:{free_port()}/x"},
        "case",
        "show",
        "1",
    )
    assert_one_line_error(result, 1, "cannot reach the database")


def test_a_bad_workflow_definition_stops_start_up(env, tmp_path):
    (tmp_path / "wf").mkdir()
    (tmp_path / "wf" / "x.toml").write_text(
        'name = "x"\ninitial = "a"\n[[states]]\nname = "a"\n[[states]]\nname = "b"\n'
        '[[transitions]]\ntrigger = "go"\nsource = ["a"]\ndest = "b"\nguards = ["nope"]\n',
        encoding="utf-8",
    )
    result = hogatar(env | {"HOGATAR_WORKFLOWS_DIR": str(tmp_path / "wf")}, "worker")
    # The operator's own file: bad input (exit 2), like a bad setting.
    assert_one_line_error(result, 2, "unknown guard 'nope'")


#: The family's consent to be referred, given at registration by its mother.
REFERRAL_CONSENT = {"purposes": ["referral"], "given_on": "2026-01-05", "given_by": "Անի"}


def test_work_queued_with_the_broker_down_still_commits(migrated):
    family = {**FAMILY, "consent": REFERRAL_CONSENT}
    assert hogatar(migrated, "family", "register", "--data", json.dumps(family)).returncode == 0
    referral = ["--partner", "kotayk_rights", "--purpose", "Իրավաբանական խորհրդատվություն"]
    result = hogatar(migrated, "referral", "create", "1", *referral)
    assert result.returncode == 0, result.stderr
    status = json.loads(hogatar(migrated, "outbox", "status", "--json").stdout)
    assert status["pending"] == 1 and status["oldest_waiting"]["status"] == "pending"
    shown = hogatar(migrated, "outbox", "status").stdout
    assert "oldest:" in shown and "ago, outbox row" in shown
    assert "oldest waiting effect:" in hogatar(migrated, "incidents", "list").stdout
    closing = ["--reason", "moved to Yerevan", "--data", '{"closure_reason": "moved_away"}']
    result = hogatar(migrated, "case", "advance", "1", "close", *closing)
    assert result.returncode == 0, result.stderr
    assert "'close' requested (approval 1), awaiting manager" in result.stdout
    manager = ["mgr.lusine", "--name", "Լուսինե", "--role", "manager"]
    assert hogatar(migrated, "staff", "add", *manager).returncode == 0
    result = hogatar(migrated, "approval", "approve", "1", "--actor", "mgr.lusine")
    assert result.returncode == 0, result.stderr
    assert json.loads(hogatar(migrated, "case", "show", "1", "--json").stdout)["state"] == "closed"


def test_the_diagram_is_graphviz(env):
    result = hogatar(env, "workflow", "diagram", "--highlight", "closed")
    assert result.stdout.startswith('digraph "family_case"')
    assert hogatar(env, "workflow", "check").stdout.startswith("family_case: 6 states")


def test_skipping_an_incident_needs_a_reason_and_an_open_incident(one_case):
    assert_one_line_error(
        hogatar(one_case, "incidents", "skip", "1", "--reason", " "), 2, "a reason is required"
    )
    assert_one_line_error(
        hogatar(one_case, "incidents", "skip", "99", "--reason", "sent by hand"),
        2,
        "incident 99 does not exist",
    )
