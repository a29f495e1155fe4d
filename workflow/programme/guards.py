"""Guards of the family workflow. Pure: they read the context (its facts were loaded by
``workflow.programme.facts``), never the database, and each returns the requirements
still unmet, in words a social worker understands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.guards import GuardContext, GuardRegistry, reason_given


def _rules(context: GuardContext) -> Mapping[str, Any]:
    rules: Mapping[str, Any] = context.facts.get("rules", {})
    return rules


def assessment_recorded(context: GuardContext) -> list[str]:
    if not context.facts.get("assessments"):
        return ["an assessment is recorded"]
    return []


def abandonment_risk(context: GuardContext) -> list[str]:
    latest = context.facts.get("latest_assessment")
    if not latest or not latest.get("risk_of_abandonment"):
        return ["the latest assessment finds a risk of child abandonment"]
    return []


def consent_on_file(context: GuardContext) -> list[str]:
    if not context.facts.get("consent_on_file"):
        return ["the family's consent is on file"]
    return []


def enough_criteria(context: GuardContext) -> list[str]:
    rules = _rules(context)
    needed = int(rules.get("min_additional", 1))
    known = rules.get("additional_criteria", [])
    latest = context.facts.get("latest_assessment") or {}
    met = [code for code in latest.get("criteria", []) if code in known]
    if len(met) < needed:
        return [
            f"at least {needed} of the {len(known)} additional criteria "
            f"{'is' if needed == 1 else 'are'} met (the latest assessment records {len(met)})"
        ]
    return []


def service_planned(context: GuardContext) -> list[str]:
    if not context.facts.get("planned_services"):
        return ["the service plan has at least one planned service"]
    return []


def social_worker_assigned(context: GuardContext) -> list[str]:
    if not context.facts.get("social_worker_assigned"):
        return ["a social worker is assigned to the case"]
    return []


def stabilisation_evidence(context: GuardContext) -> list[str]:
    """Vocational training completed and its tools delivered, or an income source."""
    rules = _rules(context)
    delivered = set(context.facts.get("delivered_services", []))
    trained = rules.get("training_service") in delivered
    equipped = rules.get("tools_service") in delivered
    kinds = rules.get("income_kinds", [])
    income = [
        source
        for source in context.facts.get("income_sources", [])
        if source.get("kind") in kinds and source.get("started_on")
    ]
    if (trained and equipped) or income:
        return []
    progress = ""
    if trained:
        progress = " (the training is completed; its tools are not delivered yet)"
    elif equipped:
        progress = " (the tools are delivered; the training is not completed yet)"
    return [
        "evidence of economic stabilisation: vocational training completed and its tools "
        "delivered, or an income source (employment or self-employment) with a start date"
        + progress
    ]


def closure_reason_given(context: GuardContext) -> list[str]:
    """``data.closure_reason`` from the configured list; "other" needs the reason text."""
    reasons: Mapping[str, bool] = _rules(context).get("closure_reasons", {})
    listed = ", ".join(reasons)
    given = context.data.get("closure_reason")
    if not given:
        return [f"a closure reason from the list ({listed})"]
    if given not in reasons:
        return [f"a closure reason from the list ({listed}); {given!r} is not one of them"]
    if reasons[given] and not (context.reason and context.reason.strip()):
        return [f"an explanation of the closure reason '{given}'"]
    return []


GUARDS = {
    "assessment_recorded": assessment_recorded,
    "abandonment_risk": abandonment_risk,
    "consent_on_file": consent_on_file,
    "enough_criteria": enough_criteria,
    "service_planned": service_planned,
    "social_worker_assigned": social_worker_assigned,
    "stabilisation_evidence": stabilisation_evidence,
    "closure_reason_given": closure_reason_given,
    "reason_given": reason_given,
}


def register(registry: GuardRegistry) -> None:
    for name, guard in GUARDS.items():
        registry.register(name)(guard)
