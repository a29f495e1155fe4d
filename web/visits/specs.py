"""The family case page's part for home visits and the plan's goals and reviews: what
its section reads (``visits_file``) and its forms (``VISIT_FORMS``), which the family
plug-in (``web.cases.family``) adds to its own."""

from __future__ import annotations

from typing import Any

from web.shared.lookups import staff_options
from web.shared.permissions import Permission
from web.shared.plugins import CaseForm
from web.visits import forms
from workflow.programme import families as programme_families
from workflow.programme.visits import GOAL_STATUSES, review_rules, visits_and_plan
from workflow.runtime import Runtime

#: Who may be named as having gone on a visit or taken part in a review.
VISITING_ROLES = ("social_worker", "psychologist", "manager")


def visits_file(rt: Runtime, case_id: int) -> dict[str, Any]:
    """The section's data: ``visits``, ``goals``, ``reviews``, ``next_visit_due``,
    ``next_review_on`` and the review interval."""
    return {
        **visits_and_plan(rt, case_id=case_id),
        "review_every_months": review_rules().every_months,
    }


def _staff(rt: Runtime, case_id: int) -> dict[str, Any]:
    with rt.session_factory() as session:
        return {"visit_staff": staff_options(session, *VISITING_ROLES)}


def _visit_context(rt: Runtime, case_id: int) -> dict[str, Any]:
    household = programme_families.family_view(rt, case_id=case_id)["members"]
    return {**_staff(rt, case_id), "members": household}


def _goals_context(rt: Runtime, case_id: int) -> dict[str, Any]:
    found = visits_and_plan(rt, case_id=case_id)
    return {
        **_staff(rt, case_id),
        "goals": found["goals"],
        "open_goals": [g for g in found["goals"] if g["status"] == "open"],
        "goal_statuses": GOAL_STATUSES,
        "next_review_on": found["next_review_on"],
        "review_every_months": review_rules().every_months,
    }


VISIT_FORMS = {
    "visit": CaseForm(
        "visits/visit.html",
        Permission.EDIT_CASES,
        forms.read_visit,
        "visits",
        today_fields=("visited_on",),
        self_fields=(("visitors", "workers"),),
        case_context=_visit_context,
    ),
    "goal": CaseForm(
        "visits/goal.html",
        Permission.EDIT_CASES,
        forms.read_goal,
        "goals",
        case_context=_goals_context,
    ),
    "goal_update": CaseForm(
        "visits/goal_update.html",
        Permission.EDIT_CASES,
        forms.read_goal_update,
        "goals",
        case_context=_goals_context,
    ),
    "review": CaseForm(
        "visits/review.html",
        Permission.EDIT_CASES,
        forms.read_review,
        "goals",
        today_fields=("reviewed_on",),
        self_fields=(("reviewers", "workers"),),
        case_context=_goals_context,
    ),
}
