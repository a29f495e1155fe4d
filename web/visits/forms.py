"""Reading the visit, goal and review forms (the page's fields or the API's JSON) into
the visits room's commands. The rules are the service layer's; here only dates, ids and
the per-goal fields of a review are read from what was typed, every problem under the
field it belongs to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from web.shared.forms import read_long_text
from workflow.programme.shared.values import Collector, date_value, whole_number
from workflow.programme.visits import AddGoal, GoalDecision, RecordReview, RecordVisit, UpdateGoal

GOAL_FIELD = re.compile(r"^goal_(\d+)_(status|decision)$")


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def _names(value: Any) -> tuple[str, ...]:
    """Usernames from checkboxes (a list), the API (a list) or one typed name."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(_text(v) for v in items if _text(v).strip())


def _ids(value: Any, field: str, problems: Collector) -> tuple[int, ...]:
    items = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
    found = []
    for item in items:
        number = whole_number(item, field, problems, minimum=1)
        if number is not None:
            found.append(number)
    return tuple(found)


def _day(values: Mapping[str, Any], field: str, problems: Collector, required: bool) -> date | None:
    return date_value(values.get(field), field, problems, required=required)


def read_visit(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordVisit:
    problems = Collector()
    visited_on = _day(values, "visited_on", problems, True)
    next_due = _day(values, "next_visit_due", problems, False)
    members = _ids(values.get("met_members"), "met_members", problems)
    visitors = _names(values.get("visitors"))
    if problems.problems:
        # A date cannot be read: say what else is plainly missing in the same answer.
        if not visitors:
            problems.add("visitors", "is required: at least one member of staff")
        if not _text(values.get("observations")).strip():
            problems.add("observations", "is required")
        problems.check()
    assert visited_on is not None
    return RecordVisit(
        case_id=case_id,
        actor=actor,
        visited_on=visited_on,
        visitors=visitors,
        observations=_text(values.get("observations")),
        met_members=members,
        met_others=_text(values.get("met_others")) or None,
        next_visit_due=next_due,
    )


def read_goal(values: Mapping[str, Any], *, case_id: int, actor: str) -> AddGoal:
    problems = Collector()
    by_when = _day(values, "by_when", problems, True)
    if problems.problems:
        if not _text(values.get("what")).strip():
            problems.add("what", "is required")
        problems.check()
    assert by_when is not None
    return AddGoal(case_id=case_id, actor=actor, what=_text(values.get("what")), by_when=by_when)


def read_goal_update(values: Mapping[str, Any], *, case_id: int, actor: str) -> UpdateGoal:
    problems = Collector()
    goal_id = whole_number(values.get("goal"), "goal", problems, required=True, minimum=1)
    by_when = _day(values, "by_when", problems, False)
    reason = read_long_text(values, "reason", problems)
    problems.check()
    assert goal_id is not None
    what = values.get("what")
    return UpdateGoal(
        goal_id=goal_id,
        case_id=case_id,
        actor=actor,
        what=_text(what) if what is not None else None,
        by_when=by_when,
        status=_text(values.get("status")) or None,
        reason=reason,
    )


def read_review(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordReview:
    """``goal_<id>_status`` and ``goal_<id>_decision`` per goal (the page's fields), or
    ``decisions: [{goal_id, status, decision}]`` (the API's)."""
    problems = Collector()
    reviewed_on = _day(values, "reviewed_on", problems, True)
    next_review = _day(values, "next_review_on", problems, False)
    per_goal: dict[int, dict[str, str]] = {}
    for key, value in values.items():
        found = GOAL_FIELD.match(key)
        if found:
            per_goal.setdefault(int(found.group(1)), {})[found.group(2)] = _text(value)
    for item in values.get("decisions") or []:
        if isinstance(item, Mapping):
            goal_id = whole_number(item.get("goal_id"), "decisions", problems, minimum=1)
            if goal_id is not None:
                per_goal[goal_id] = {
                    "status": _text(item.get("status")) or "open",
                    "decision": _text(item.get("decision")),
                }
    problems.check()
    assert reviewed_on is not None
    return RecordReview(
        case_id=case_id,
        actor=actor,
        reviewed_on=reviewed_on,
        reviewers=_names(values.get("reviewers")),
        decisions=tuple(
            GoalDecision(
                goal_id=goal_id,
                decision=fields.get("decision", ""),
                status=fields.get("status") or "open",
            )
            for goal_id, fields in sorted(per_goal.items())
        ),
        next_review_on=next_review,
    )
