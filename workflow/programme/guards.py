"""Guards of the family workflow (and, by name, the foster-care workflow's). Pure: they
read the context (its facts were loaded by ``workflow.programme.facts``), never the
database, and each returns the requirements still unmet, each as what to do next in words
a social worker understands, with its stable code and the command that does it (``HINTS``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.guards import GuardContext, GuardRegistry, Requirement, reason_given
from workflow.programme.foster_care import GUARDS as FOSTER_GUARDS


def _rules(context: GuardContext) -> Mapping[str, Any]:
    rules: Mapping[str, Any] = context.facts.get("rules", {})
    return rules


#: How each requirement is met on the command line; {case} is the case id.
ASSESS = (
    "hogatar assessment record {case} --assessor USERNAME --date DATE --risk "
    "--risk-description TEXT --criteria CODE,CODE"
)
HINTS = {
    "assessment_recorded": ASSESS,
    "abandonment_risk": ASSESS,
    "enough_criteria": ASSESS,
    "consent_on_file": (
        "hogatar consent record {case} --purpose participation --given-by MEMBER_ID --date DATE"
    ),
    "service_planned": (
        "hogatar plan add-service {case} --service CODE --target-date DATE "
        "--provider-staff USERNAME"
    ),
    "social_worker_assigned": "hogatar assign {case} --social-worker USERNAME",
    "stabilisation_evidence": (
        "hogatar income record {case} --kind employment --started DATE, or "
        "hogatar plan deliver SERVICE_ID --date DATE for the training and the tools"
    ),
    "closure_reason_given": "hogatar case advance {case} close --closure-reason CODE",
    "closure_reason_explained": (
        "hogatar case advance {case} close --closure-reason {reason} --reason TEXT"
    ),
}


def _needs(context: GuardContext, code: str, message: str, **values: str) -> list[Requirement]:
    hint = HINTS[code].format(case=context.case.id, **values)
    return [Requirement(code, message, hint)]


def assessment_recorded(context: GuardContext) -> list[Requirement]:
    if not context.facts.get("assessments"):
        return _needs(context, "assessment_recorded", "record an assessment of the family")
    return []


def abandonment_risk(context: GuardContext) -> list[Requirement]:
    latest = context.facts.get("latest_assessment")
    if not latest or not latest.get("risk_of_abandonment"):
        found = " (the latest one does not)" if latest else ""
        return _needs(
            context,
            "abandonment_risk",
            f"record an assessment that finds a risk of child abandonment{found}",
        )
    return []


def consent_on_file(context: GuardContext) -> list[Requirement]:
    if not context.facts.get("consent_on_file"):
        # Consent to take part (purpose "participation"), not referral consent alone.
        return _needs(context, "consent_on_file", "record the family's consent")
    return []


def enough_criteria(context: GuardContext) -> list[Requirement]:
    rules = _rules(context)
    needed = int(rules.get("min_additional", 1))
    known = rules.get("additional_criteria", [])
    latest = context.facts.get("latest_assessment") or {}
    met = [code for code in latest.get("criteria", []) if code in known]
    if len(met) < needed:
        return _needs(
            context,
            "enough_criteria",
            f"record an assessment that meets at least {needed} of the {len(known)} "
            f"additional criteria (the latest one meets {len(met)}; codes: {', '.join(known)})",
        )
    return []


def service_planned(context: GuardContext) -> list[Requirement]:
    if not context.facts.get("planned_services"):
        return _needs(context, "service_planned", "plan at least one service")
    return []


def social_worker_assigned(context: GuardContext) -> list[Requirement]:
    if not context.facts.get("social_worker_assigned"):
        return _needs(context, "social_worker_assigned", "assign a social worker to the case")
    return []


def stabilisation_evidence(context: GuardContext) -> list[Requirement]:
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
    return _needs(
        context,
        "stabilisation_evidence",
        "record the evidence of economic stabilisation: an income source (employment or "
        "self-employment) with a start date, or the vocational training completed and its "
        "tools delivered" + progress,
    )


def closure_reason_given(context: GuardContext) -> list[Requirement]:
    """``data.closure_reason`` from the configured list; "other" needs the reason text."""
    reasons: Mapping[str, bool] = _rules(context).get("closure_reasons", {})
    listed = ", ".join(reasons)
    given = context.data.get("closure_reason")
    if not given:
        return _needs(
            context, "closure_reason_given", f"choose a closure reason from the list ({listed})"
        )
    if given not in reasons:
        return _needs(
            context,
            "closure_reason_given",
            f"choose a closure reason from the list ({listed}); {given!r} is not one of them",
        )
    if reasons[given] and not (context.reason and context.reason.strip()):
        return _needs(
            context,
            "closure_reason_explained",
            f"explain the closure reason '{given}' in words",
            reason=str(given),
        )
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
    # The foster-care workflow's (workflow/programme/foster_care/guards.py); it closes
    # with closure_reason_given above, over its own closure reasons.
    **FOSTER_GUARDS,
}


def register(registry: GuardRegistry) -> None:
    for name, guard in GUARDS.items():
        registry.register(name)(guard)
