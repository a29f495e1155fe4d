"""Every guard requirement of the family workflow, met and unmet: first as pure
functions, then through the service layer, where a refusal lists everything missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.programme_fixtures import (
    CLOSE,
    SOCIAL_WORKER,
    assess,
    bring_to,
    case_in,
    close_case,
    consent,
    ensure_staff,
    income,
    plan_and_assign,
    register,
    today,
)
from workflow import queries
from workflow.commands import AdvanceCase
from workflow.errors import GuardFailed
from workflow.guards import CaseSnapshot, GuardContext
from workflow.programme import guards
from workflow.programme.facts import rules_of
from workflow.programme.families import AssignCase
from workflow.programme.plans import CancelService, DeliverService, PlanService, RecordIncome
from workflow.programme.shared.reference import reference
from workflow.services import handle

RULES = rules_of(reference())
KNOWN = ", ".join(item.code for item in reference().additional_criteria)


def context(facts=None, *, data=None, reason=None, trigger="enrol"):
    case = CaseSnapshot(
        id=1, workflow="family_case", state="assessed", version=3, family_name="Ա", community="Բ"
    )
    return GuardContext(
        case=case,
        trigger=trigger,
        reason=reason,
        data=data or {},
        facts={"rules": RULES, **(facts or {})},
    )


ASSESSED = {"risk_of_abandonment": True, "criteria": ["extreme_poverty"]}


@pytest.mark.parametrize(
    ("guard", "facts", "unmet"),
    [
        (guards.assessment_recorded, {"assessments": 0}, ["record an assessment of the family"]),
        (guards.assessment_recorded, {"assessments": 2}, []),
        (
            guards.abandonment_risk,
            {"latest_assessment": None},
            ["record an assessment that finds a risk of child abandonment"],
        ),
        (
            guards.abandonment_risk,
            {"latest_assessment": {**ASSESSED, "risk_of_abandonment": False}},
            [
                "record an assessment that finds a risk of child abandonment "
                "(the latest one does not)"
            ],
        ),
        (guards.abandonment_risk, {"latest_assessment": ASSESSED}, []),
        (guards.consent_on_file, {"consent_on_file": False}, ["record the family's consent"]),
        (guards.consent_on_file, {"consent_on_file": True}, []),
        (
            guards.enough_criteria,
            {"latest_assessment": {**ASSESSED, "criteria": []}},
            [
                "record an assessment that meets at least 1 of the 6 additional criteria "
                f"(the latest one meets 0; codes: {KNOWN})"
            ],
        ),
        (guards.enough_criteria, {"latest_assessment": ASSESSED}, []),
        (
            guards.service_planned,
            {"planned_services": 0},
            ["plan at least one service"],
        ),
        (guards.service_planned, {"planned_services": 1}, []),
        (
            guards.social_worker_assigned,
            {"social_worker_assigned": False},
            ["assign a social worker to the case"],
        ),
        (guards.social_worker_assigned, {"social_worker_assigned": True}, []),
    ],
)
def test_each_guard_met_and_unmet(guard, facts, unmet):
    assert [str(r) for r in guard(context(facts))] == unmet


def test_the_number_of_additional_criteria_is_configurable():
    rules = {**RULES, "min_additional": 2}
    facts = {"rules": rules, "latest_assessment": ASSESSED}
    refused = guards.enough_criteria(
        GuardContext(case=context().case, trigger="enrol", reason=None, data={}, facts=facts)
    )
    assert [r.message for r in refused] == [
        "record an assessment that meets at least 2 of the 6 additional criteria "
        f"(the latest one meets 1; codes: {KNOWN})"
    ]
    two = {
        **facts,
        "latest_assessment": {**ASSESSED, "criteria": ["extreme_poverty", "disability"]},
    }
    assert (
        guards.enough_criteria(
            GuardContext(case=context().case, trigger="enrol", reason=None, data={}, facts=two)
        )
        == []
    )


@pytest.mark.parametrize(
    ("facts", "met", "hint"),
    [
        ({}, False, ""),
        ({"delivered_services": ["vocational_training"]}, False, "its tools are not delivered"),
        ({"delivered_services": ["tools_equipment"]}, False, "the training is not completed"),
        ({"delivered_services": ["vocational_training", "tools_equipment"]}, True, ""),
        ({"income_sources": [{"kind": "employment", "started_on": "2025-12-01"}]}, True, ""),
        ({"income_sources": [{"kind": "self_employment", "started_on": None}]}, False, ""),
        ({"income_sources": [{"kind": "lottery", "started_on": "2025-12-01"}]}, False, ""),
    ],
)
def test_stabilisation_needs_training_and_tools_or_an_income(facts, met, hint):
    unmet = guards.stabilisation_evidence(context(facts, trigger="stabilise"))
    if met:
        assert unmet == []
    else:
        assert len(unmet) == 1
        assert unmet[0].message.startswith("record the evidence of economic stabilisation")
        assert hint in unmet[0].message


@pytest.mark.parametrize(
    ("data", "reason", "unmet"),
    [
        ({}, "moved", "choose a closure reason from the list (stabilised, moved_away, "),
        ({"closure_reason": "bored"}, None, "'bored' is not one of them"),
        ({"closure_reason": "other"}, None, "explain the closure reason 'other' in words"),
        ({"closure_reason": "other"}, "  ", "explain the closure reason 'other' in words"),
    ],
)
def test_close_needs_a_reason_from_the_list(data, reason, unmet):
    refused = guards.closure_reason_given(context(data=data, reason=reason, trigger="close"))
    assert len(refused) == 1 and unmet in refused[0].message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"closure_reason": "stabilised"}, None),
        ({"closure_reason": "moved_away"}, None),
        ({"closure_reason": "consent_withdrawn"}, None),
        ({"closure_reason": "not_eligible"}, None),
        ({"closure_reason": "child_placed_in_care"}, None),
        ({"closure_reason": "other"}, "The family emigrated to Russia"),
    ],
)
def test_every_listed_closure_reason_is_accepted(data, reason):
    assert guards.closure_reason_given(context(data=data, reason=reason, trigger="close")) == []


def test_reopen_needs_a_reason():
    assert [str(r) for r in guards.reason_given(context(trigger="reopen"))] == [
        "give the reason to reopen"
    ]
    assert guards.reason_given(context(trigger="reopen", reason="back in Hrazdan")) == []


# Through the service layer: the facts come from the case file.


def advance(rt, case_id, trigger, **kwargs):
    return handle(rt, AdvanceCase(case_id=case_id, trigger=trigger, actor="worker-1", **kwargs))


def unmet_for(rt, case_id, trigger, **kwargs):
    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, trigger, **kwargs)
    return refused.value.unmet


def test_assess_is_refused_until_an_assessment_is_recorded(sqlite_runtime):
    case_id = register(sqlite_runtime)
    assert unmet_for(sqlite_runtime, case_id, "assess") == ["record an assessment of the family"]
    assess(sqlite_runtime, case_id)
    assert advance(sqlite_runtime, case_id, "assess").to_state == "assessed"


def test_enrol_lists_every_missing_requirement_then_passes(sqlite_runtime):
    case_id = register(sqlite_runtime)
    assess(sqlite_runtime, case_id, risk_of_abandonment=False, risk_description=None, criteria=())
    advance(sqlite_runtime, case_id, "assess")
    assert unmet_for(sqlite_runtime, case_id, "enrol") == [
        "record an assessment that finds a risk of child abandonment (the latest one does not)",
        "record the family's consent",
        "record an assessment that meets at least 1 of the 6 additional criteria "
        f"(the latest one meets 0; codes: {KNOWN})",
    ]
    assess(sqlite_runtime, case_id)  # a re-assessment finds the risk and two criteria
    assert unmet_for(sqlite_runtime, case_id, "enrol") == ["record the family's consent"]
    consent(sqlite_runtime, case_id)
    assert advance(sqlite_runtime, case_id, "enrol").to_state == "enrolled"


def test_the_latest_assessment_counts(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "assessed")
    consent(sqlite_runtime, case_id)
    assess(sqlite_runtime, case_id, risk_of_abandonment=False, risk_description=None)
    assert unmet_for(sqlite_runtime, case_id, "enrol") == [
        "record an assessment that finds a risk of child abandonment (the latest one does not)"
    ]
    view = queries.case_view(sqlite_runtime, case_id=case_id)
    assert [e["trigger"] for e in view["timeline"]].count("record_assessment") == 2


def test_enrol_needs_consent_on_file(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "assessed")
    assert unmet_for(sqlite_runtime, case_id, "enrol") == ["record the family's consent"]


def test_start_services_needs_a_plan_and_a_social_worker(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled", actor="worker-1")  # nobody assigned
    assert unmet_for(sqlite_runtime, case_id, "start_services") == [
        "plan at least one service",
        "assign a social worker to the case",
    ]
    handle(
        sqlite_runtime,
        AssignCase(case_id=case_id, actor="manager", social_worker=SOCIAL_WORKER),
    )
    assert unmet_for(sqlite_runtime, case_id, "start_services") == ["plan at least one service"]
    planned = handle(
        sqlite_runtime,
        PlanService(
            case_id=case_id,
            actor="w",
            service="clubs",
            target_date=today(sqlite_runtime),
            provider_partner="Հրազդանի մշակույթի տուն",
        ),
    ).record_id
    handle(sqlite_runtime, CancelService(planned_service_id=planned, actor="w", reason="no place"))
    assert unmet_for(sqlite_runtime, case_id, "start_services") == ["plan at least one service"]
    plan_and_assign(sqlite_runtime, case_id)
    assert advance(sqlite_runtime, case_id, "start_services").to_state == "receiving_services"


def deliver(rt, planned_id, **kwargs):
    return handle(
        rt,
        DeliverService(
            planned_service_id=planned_id,
            actor="w",
            delivered_on=today(rt) - timedelta(days=1),
            **kwargs,
        ),
    )


def plan(rt, case_id, service):
    return handle(
        rt,
        PlanService(
            case_id=case_id,
            actor="w",
            service=service,
            target_date=today(rt),
            provider_staff=SOCIAL_WORKER,
        ),
    ).record_id


def test_stabilise_with_training_completed_and_tools_delivered(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "receiving_services")
    assert len(unmet_for(sqlite_runtime, case_id, "stabilise")) == 1
    training = plan(sqlite_runtime, case_id, "vocational_training")
    tools = plan(sqlite_runtime, case_id, "tools_equipment")
    deliver(sqlite_runtime, training)
    assert "its tools are not delivered yet" in unmet_for(sqlite_runtime, case_id, "stabilise")[0]
    deliver(sqlite_runtime, tools, cost_amd=250_000, final=False)
    assert len(unmet_for(sqlite_runtime, case_id, "stabilise")) == 1  # only part delivered
    deliver(sqlite_runtime, tools, cost_amd=50_000)
    assert advance(sqlite_runtime, case_id, "stabilise").to_state == "economically_stabilised"


def test_stabilise_with_an_income_source(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "receiving_services")
    income(sqlite_runtime, case_id)
    assert advance(sqlite_runtime, case_id, "stabilise").to_state == "economically_stabilised"


def test_close_needs_a_listed_reason_and_reopen_a_reason(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "economically_stabilised")
    assert "choose a closure reason from the list" in unmet_for(sqlite_runtime, case_id, "close")[0]
    assert unmet_for(
        sqlite_runtime, case_id, "close", data={"closure_reason": "other"}, reason=" "
    ) == ["explain the closure reason 'other' in words"]
    closed = close_case(sqlite_runtime, case_id, data={"closure_reason": "stabilised"})
    assert closed.to_state == "closed"
    assert unmet_for(sqlite_runtime, case_id, "reopen") == ["give the reason to reopen"]
    assert advance(sqlite_runtime, case_id, "reopen", reason="job lost").to_state == "referred"


def test_income_needs_a_known_kind_and_start_date(sqlite_runtime):
    from workflow.programme.shared.values import Problems

    case_id = case_in(sqlite_runtime, "receiving_services")
    with pytest.raises(Problems, match="kind: 'lottery' is not one of: employment"):
        handle(
            sqlite_runtime,
            RecordIncome(
                case_id=case_id, actor="w", kind="lottery", started_on=today(sqlite_runtime)
            ),
        )
    with pytest.raises(Problems, match="started_on: .* is in the future"):
        handle(
            sqlite_runtime,
            RecordIncome(
                case_id=case_id,
                actor="w",
                kind="employment",
                started_on=today(sqlite_runtime) + timedelta(days=3),
            ),
        )


def test_a_whole_lifecycle_ends_closed_with_the_reason_on_the_timeline(sqlite_runtime):
    ensure_staff(sqlite_runtime)
    case_id = case_in(sqlite_runtime, "economically_stabilised")
    bring_to(sqlite_runtime, case_id, "closed")
    last = queries.case_view(sqlite_runtime, case_id=case_id)["timeline"][-1]
    assert (last["trigger"], last["to"], last["data"]) == ("close", "closed", CLOSE)


# The structured form the page and the command line both use: a code, what to do, how.


def test_each_unmet_requirement_has_a_code_and_names_the_command_that_meets_it(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "assessed")
    assess(sqlite_runtime, case_id, risk_of_abandonment=False, risk_description=None, criteria=())
    with pytest.raises(GuardFailed) as refused:
        advance(sqlite_runtime, case_id, "enrol")
    found = [(r.code, r.hint.split(" --")[0]) for r in refused.value.requirements]
    assert found == [
        ("abandonment_risk", f"hogatar assessment record {case_id}"),
        ("consent_on_file", f"hogatar consent record {case_id}"),
        ("enough_criteria", f"hogatar assessment record {case_id}"),
    ]
    message = str(refused.value)
    assert message.startswith(f"case {case_id} cannot 'enrol' yet; first record an assessment")
    assert "hogatar" not in message  # the web and the API get what to do, not a command
    cli = refused.value.cli_message()
    assert f"record the family's consent (hogatar consent record {case_id} --purpose" in cli


def test_closing_names_its_option_and_an_explanation_needs_reason(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled")
    with pytest.raises(GuardFailed) as refused:
        advance(sqlite_runtime, case_id, "close")
    [requirement] = refused.value.requirements
    assert requirement.code == "closure_reason_given"
    assert requirement.hint == f"hogatar case advance {case_id} close --closure-reason CODE"
    with pytest.raises(GuardFailed) as unexplained:
        advance(sqlite_runtime, case_id, "close", data={"closure_reason": "other"})
    [requirement] = unexplained.value.requirements
    assert requirement.code == "closure_reason_explained"
    assert requirement.hint.endswith("--closure-reason other --reason TEXT")
