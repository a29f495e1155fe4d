"""The family workflow as declared, and every way a definition can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import WORKFLOWS_DIR
from workflow.bootstrap import build_registries
from workflow.definition import load_definitions
from workflow.errors import DefinitionError
from workflow.machine import SharedMachine

STATES = [
    "referred",
    "assessed",
    "enrolled",
    "receiving_services",
    "economically_stabilised",
    "closed",
]
OPEN_STATES = STATES[:-1]

# (state, trigger) -> destination; every pair not listed must be refused.
EXPECTED = {
    ("referred", "assess"): "assessed",
    ("assessed", "enrol"): "enrolled",
    ("enrolled", "start_services"): "receiving_services",
    ("receiving_services", "stabilise"): "economically_stabilised",
    **{(state, "close"): "closed" for state in OPEN_STATES},
    ("closed", "reopen"): "referred",
}
TRIGGERS = ["assess", "enrol", "start_services", "stabilise", "close", "reopen"]


@pytest.fixture(scope="module")
def family():
    registries = build_registries()
    return load_definitions(
        WORKFLOWS_DIR, guards=registries.guards.names(), effects=registries.effects.names()
    )["family_case"]


def test_states_and_initial(family):
    assert family.state_names == STATES
    assert family.initial == "referred"
    assert family.state("closed").final


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_state_trigger_pair(family, state, trigger):
    machine = SharedMachine(family)
    transition = family.transition(trigger, state)
    expected = EXPECTED.get((state, trigger))
    if expected is None:
        assert transition is None
        assert trigger not in machine.allowed_triggers(state)
    else:
        assert transition is not None and transition.dest == expected
        assert trigger in machine.allowed_triggers(state)
        assert machine.fire(state=state, trigger=trigger) == expected


def test_close_needs_a_listed_reason_and_reopen_a_reason(family):
    for state in OPEN_STATES:
        assert family.transition("close", state).guards == ("closure_reason_given",)
    assert "reason_given" in family.transition("reopen", "closed").guards


def test_every_transition_declares_the_programme_guards(family):
    assert {
        t.trigger: t.guards for t in family.transitions if t.trigger not in ("close", "reopen")
    } == {
        "assess": ("assessment_recorded",),
        "enrol": ("abandonment_risk", "consent_on_file", "enough_criteria"),
        "start_services": ("service_planned", "social_worker_assigned"),
        "stabilise": ("stabilisation_evidence",),
    }


def test_effects_are_routed_to_their_family_queue(family):
    assert family.transition("enrol", "assessed").effects == ("referrals.notify_partners",)
    assert family.transition("start_services", "enrolled").effects == ("procurement.request_goods",)
    assert family.transition("assess", "referred").effects == ("reminders.enrolment_decision_due",)


def test_the_machine_is_shared_and_keeps_no_case(family):
    machine = SharedMachine(family)
    for _ in range(1000):
        machine.fire(state="referred", trigger="assess")
    assert machine._machine.models == []


def test_dot_diagram_highlights_the_current_state(family):
    dot = family.to_dot(highlight="enrolled", language="hy")
    assert '"enrolled" [label="Ընդգրկված", style="rounded,filled", fillcolor=gold]' in dot
    assert '"closed" -> "referred" [label="reopen"]' in dot


VALID = """
name = "pilot"
initial = "a"
[[states]]
name = "a"
[[states]]
name = "b"
[[transitions]]
trigger = "go"
source = ["a"]
dest = "b"
guards = ["reason_given"]
effects = ["reminders.enrolment_decision_due"]
"""


def _load(tmp_path: Path, text: str):
    (tmp_path / "pilot.toml").write_text(text, encoding="utf-8")
    return _load_dir(tmp_path)


def test_a_second_workflow_is_just_a_new_file(tmp_path):
    definitions = _load(tmp_path, VALID)
    assert definitions["pilot"].transition("go", "a").dest == "b"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('dest = "b"', 'dest = "c"'), "transition 'go' names unknown state 'c'"),
        (('source = ["a"]', 'source = ["x"]'), "transition 'go' names unknown state 'x'"),
        (('initial = "a"', 'initial = "z"'), "initial state 'z' is not a declared state"),
        (('guards = ["reason_given"]', 'guards = ["has_wings"]'), "unknown guard 'has_wings'"),
        (
            ('effects = ["reminders.enrolment_decision_due"]', 'effects = ["reminders.fly"]'),
            "unknown effect 'reminders.fly'",
        ),
        (
            ('effects = ["reminders.enrolment_decision_due"]', 'effects = ["mail.send"]'),
            "effect 'mail.send': it must be '<queue>.<name>'",
        ),
        (('dest = "b"', 'dest = "a"'), "state 'b' cannot be reached from 'a'"),
        (('name = "b"', 'name = "a"'), "state 'a' is declared twice"),
        (('trigger = "go"\n', ""), "transition #1: 'trigger' is missing"),
        (('[[states]]\nname = "a"', "[[states]]\nname = 1"), "state #1: 'name' must be a str"),
        (('source = ["a"]', "source = []"), "transition 'go' has no source state"),
    ],
)
def test_definition_errors_name_the_culprit(tmp_path, change, message):
    old, new = change
    assert old in VALID
    with pytest.raises(DefinitionError) as error:
        _load(tmp_path, VALID.replace(old, new, 1))
    assert message in str(error.value)
    assert "pilot" in str(error.value)


def test_a_transition_declared_twice_is_refused(tmp_path):
    text = VALID + '\n[[transitions]]\ntrigger = "go"\nsource = ["a"]\ndest = "b"\n'
    with pytest.raises(DefinitionError, match="'go' is declared twice from state 'a'"):
        _load(tmp_path, text)


def test_invalid_toml_and_empty_directory(tmp_path):
    with pytest.raises(DefinitionError, match="no workflow definitions"):
        _load_dir(tmp_path)
    (tmp_path / "broken.toml").write_text("name = ", encoding="utf-8")
    with pytest.raises(DefinitionError, match="broken.toml: not valid TOML"):
        _load_dir(tmp_path)


def _load_dir(directory: Path):
    registries = build_registries()
    return load_definitions(
        directory, guards=registries.guards.names(), effects=registries.effects.names()
    )
