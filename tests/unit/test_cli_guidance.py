"""What the command line tells a worker who is refused: each unmet requirement as what to
do with the command that does it, closing with its own option, and an actor that is a
known member of staff (or says it is a terminal or a process)."""

from __future__ import annotations

import pytest

from tests.programme_fixtures import SOCIAL_WORKER, case_in, ensure_manager, ensure_staff, register
from workflow import cli, cli_context, queries
from workflow.programme.staff import DeactivateStaff
from workflow.services import handle


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


def refused(result) -> str:
    code, _, err = result
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err.strip()


def test_a_refused_assess_says_what_to_do_and_the_command_that_does_it(hogatar, sqlite_runtime):
    case_id = register(sqlite_runtime)
    err = refused(hogatar("case", "advance", str(case_id), "assess"))
    assert f"case {case_id} cannot 'assess' yet; first record an assessment of the family" in err
    assert f"(hogatar assessment record {case_id} --assessor USERNAME --date DATE --risk" in err
    assert "is recorded" not in err  # no longer a fact that reads as already true


def test_start_services_lists_each_requirement_with_its_command(hogatar, sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled", actor="worker-1")  # nobody assigned
    err = refused(hogatar("case", "advance", str(case_id), "start_services"))
    assert f"plan at least one service (hogatar plan add-service {case_id} --service CODE" in err
    assert f"assign a social worker to the case (hogatar assign {case_id} --social-worker" in err


def test_closing_has_its_own_option_and_the_refusal_names_it(hogatar, sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled")
    err = refused(hogatar("case", "advance", str(case_id), "close"))
    assert "choose a closure reason from the list (stabilised, moved_away" in err
    assert f"(hogatar case advance {case_id} close --closure-reason CODE)" in err
    err = refused(hogatar("case", "advance", str(case_id), "close", "--closure-reason", "other"))
    assert "explain the closure reason 'other' in words" in err
    assert "--closure-reason other --reason TEXT" in err
    conflict = refused(
        hogatar(
            "case",
            "advance",
            str(case_id),
            "close",
            "--closure-reason",
            "moved_away",
            "--data",
            '{"closure_reason": "other"}',
        )
    )
    assert "give it once" in conflict
    code, out, err = hogatar(
        "case", "advance", str(case_id), "close", "--closure-reason", "moved_away"
    )
    assert code == 0, err
    # Closing is requested; a manager's approval closes the case.
    assert "'close' requested (approval 1), awaiting manager" in out
    manager = ensure_manager(sqlite_runtime)
    # A social worker who may see the case (theirs) is still no approver.
    assert hogatar("assign", str(case_id), "--social-worker", SOCIAL_WORKER)[0] == 0
    self_approval = refused(hogatar("approval", "approve", "1", "--actor", SOCIAL_WORKER))
    assert "is a social worker: this tier needs a manager" in self_approval
    code, out, err = hogatar("approval", "approve", "1", "--actor", manager)
    assert code == 0, err
    assert "-> closed" in out
    view = queries.case_view(sqlite_runtime, case_id=case_id)
    assert view["timeline"][-1]["data"] == {"closure_reason": "moved_away"}
    help_text = hogatar("case", "advance", "--help")[1]
    assert "--closure-reason" in help_text and "Required to close" in help_text


@pytest.mark.parametrize(
    ("actor", "problem"),
    [
        ("anahit", "--actor 'anahit' is not a staff username"),
        ("cli:", "--actor 'cli:' is not a staff username"),
        ("system:  ", "is not a staff username"),
    ],
)
def test_an_unknown_actor_is_refused_before_anything_is_written(
    hogatar, sqlite_runtime, actor, problem
):
    case_id = register(sqlite_runtime)
    before = queries.case_view(sqlite_runtime, case_id=case_id)["version"]
    err = refused(
        hogatar(
            "consent",
            "record",
            str(case_id),
            "--purpose",
            "participation",
            "--given-by-name",
            "Սոնա Ա (խնամակալ)",
            "--date",
            "2026-01-11",
            "--actor",
            actor,
        )
    )
    assert problem in err
    assert "hogatar staff list" in err and "cli:NAME or system:NAME" in err
    assert queries.case_view(sqlite_runtime, case_id=case_id)["version"] == before


def test_known_staff_and_explicit_actors_are_recorded(hogatar, sqlite_runtime):
    ensure_staff(sqlite_runtime)
    case_id = register(sqlite_runtime, actor=SOCIAL_WORKER)  # theirs: registered by them
    for actor, recorded in (
        (SOCIAL_WORKER.upper(), SOCIAL_WORKER),
        ("cli:operator", "cli:operator"),
        ("system:import", "system:import"),
    ):
        code, _, err = hogatar(
            "consent",
            "record",
            str(case_id),
            "--purpose",
            "participation",
            "--given-by-name",
            "Սոնա Ա (խնամակալ)",
            "--date",
            "2026-01-11",
            "--actor",
            actor,
        )
        assert code == 0, err
        last = queries.case_view(sqlite_runtime, case_id=case_id)["timeline"][-1]
        assert last["actor"] == recorded


def test_a_deactivated_member_of_staff_is_no_actor(hogatar, sqlite_runtime):
    case_id = register(sqlite_runtime)
    handle(sqlite_runtime, DeactivateStaff(username=SOCIAL_WORKER, actor="admin"))
    err = refused(hogatar("case", "advance", str(case_id), "assess", "--actor", SOCIAL_WORKER))
    assert f"--actor '{SOCIAL_WORKER}' is no longer active staff" in err
