"""Guards of the foster-care workflow. Pure: they read the facts loaded by
``workflow.programme.foster_care.facts``, never the database, and each returns the
requirements still unmet, said as what to do next, with its stable code and the command
that does it (``HINTS``). Closing reuses the family workflow's ``closure_reason_given``:
the facts carry the pilot's own closure reasons in the shape it reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.guards import GuardContext, Requirement

#: How each requirement is met on the command line; {case} is the case id.
APPLY = "hogatar foster apply {case} --date DATE --documents CODE,CODE"
HOME_ASSESSMENT = (
    "hogatar foster home-assessment {case} --assessor USERNAME --date DATE --outcome CODE "
    "--recommendation TEXT"
)
HINTS = {
    "foster_application_recorded": APPLY,
    "foster_documents_complete": APPLY,
    "foster_home_assessment_recorded": HOME_ASSESSMENT,
    "foster_home_assessment_recommends": (
        HOME_ASSESSMENT + ", or hogatar case advance {case} close "
        "--closure-reason home_assessment_negative"
    ),
    "foster_training_completed": (
        "hogatar foster training {case} --date DATE --modules CODE,CODE --trainer NAME"
    ),
    "foster_commission_approved": (
        "hogatar foster decision {case} --approved --number NUMBER --date DATE"
    ),
    "foster_child_matched": (
        "hogatar foster match {case} --child-reference REF --initials INITIALS --age YEARS "
        "--date DATE"
    ),
    "foster_placement_recorded": "hogatar foster place {case} --date DATE",
}


def _rules(context: GuardContext) -> Mapping[str, Any]:
    rules: Mapping[str, Any] = context.facts.get("rules", {})
    return rules


def _needs(context: GuardContext, code: str, message: str) -> list[Requirement]:
    return [Requirement(code, message, HINTS[code].format(case=context.case.id))]


def application_recorded(context: GuardContext) -> list[Requirement]:
    if not context.facts.get("applications"):
        return _needs(
            context, "foster_application_recorded", "record the family's written application"
        )
    return []


def documents_complete(context: GuardContext) -> list[Requirement]:
    received = set(context.facts.get("documents", []))
    missing = [
        code for code in _rules(context).get("required_documents", []) if code not in received
    ]
    if missing:
        return _needs(
            context,
            "foster_documents_complete",
            "receive the application documents still missing: " + ", ".join(missing),
        )
    return []


def home_assessment_recommends(context: GuardContext) -> list[Requirement]:
    latest = context.facts.get("latest_home_assessment")
    if latest is None:
        return _needs(
            context,
            "foster_home_assessment_recorded",
            "record the home assessment of the family with its conclusion",
        )
    recommending = _rules(context).get("recommending_outcomes", [])
    if latest["outcome"] not in recommending:
        return _needs(
            context,
            "foster_home_assessment_recommends",
            f"the latest home assessment ({latest['assessed_on']}) concludes "
            f"{latest['outcome']!r}: record one that recommends the family "
            f"({', '.join(recommending)}), or close the case",
        )
    return []


def training_completed(context: GuardContext) -> list[Requirement]:
    attended = set(context.facts.get("modules_attended", []))
    modules = _rules(context).get("training_modules", [])
    missing = [code for code in modules if code not in attended]
    if missing:
        done = f" ({len(modules) - len(missing)} of {len(modules)} attended)" if attended else ""
        return _needs(
            context,
            "foster_training_completed",
            "complete the preparation training: record the sessions of the modules not "
            f"attended yet{done}: " + ", ".join(missing),
        )
    return []


def commission_approved(context: GuardContext) -> list[Requirement]:
    latest = context.facts.get("latest_decision")
    if latest is None or not latest.get("approved"):
        return _needs(
            context,
            "foster_commission_approved",
            "record the guardianship and trusteeship commission's decision approving the "
            "family, with its number and date",
        )
    return []


def child_matched(context: GuardContext) -> list[Requirement]:
    if context.facts.get("latest_match") is None:
        return _needs(
            context,
            "foster_child_matched",
            "record the child matched with the family (reference, initials, age)",
        )
    return []


def placement_recorded(context: GuardContext) -> list[Requirement]:
    placement = context.facts.get("latest_placement")
    match = context.facts.get("latest_match")
    if placement is None or match is None or placement["match_id"] != match["id"]:
        return _needs(
            context,
            "foster_placement_recorded",
            "record the placement of the matched child with its date",
        )
    return []


GUARDS = {
    "foster_application_recorded": application_recorded,
    "foster_documents_complete": documents_complete,
    "foster_home_assessment_recommends": home_assessment_recommends,
    "foster_training_completed": training_completed,
    "foster_commission_approved": commission_approved,
    "foster_child_matched": child_matched,
    "foster_placement_recorded": placement_recorded,
}
