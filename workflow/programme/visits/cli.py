"""``hogatar visit record | list``, ``hogatar plan goal add | update`` and
``hogatar plan review``: the same service calls as the case page and the API."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.programme.shared.cli import DateOption, echo_changed, parse_day, required_day
from workflow.programme.shared.values import Collector, whole_number
from workflow.programme.visits.commands import (
    AddGoal,
    GoalDecision,
    RecordReview,
    RecordVisit,
    UpdateGoal,
)
from workflow.programme.visits.queries import visits_and_plan
from workflow.services import handle

visit_app = typer.Typer(no_args_is_help=True, help="Home visits to a family.")
goal_app = typer.Typer(no_args_is_help=True, help="The goals of a case's service plan.")
CaseOption = Annotated[int, typer.Option("--case", help="Case id.")]
StaffOption = Annotated[
    list[str], typer.Option("--staff", help="A staff member who went (repeat for each).")
]


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def _ids(values: list[str], option: str) -> tuple[int, ...]:
    problems = Collector()
    ids = tuple(n for v in values if (n := whole_number(v, option, problems, minimum=1)))
    problems.check()
    return ids


@visit_app.command("record")
def record_visit(
    case_id: CaseOption,
    visited_on: DateOption,
    observations: Annotated[str, typer.Option("--observations", help="What was seen.")],
    staff: StaffOption,
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A household member met, by id.")
    ] = None,
    others: Annotated[
        str | None,
        typer.Option("--others", help="Anyone else met, in words (required without --member)."),
    ] = None,
    next_due: Annotated[
        str | None, typer.Option("--next-due", help="When the next visit is due.")
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Record a home visit; a next visit due schedules its reminder."""
    event = handle(
        runtime(),
        RecordVisit(
            case_id=case_id,
            actor=actor_of(actor),
            visited_on=required_day(visited_on, "--date"),
            visitors=tuple(staff),
            observations=observations,
            met_members=_ids(member or [], "--member"),
            met_others=others,
            next_visit_due=parse_day(next_due, "--next-due", required=False),
        ),
    )
    echo_changed(event, "home visit")


@visit_app.command("list")
def list_visits(case_id: CaseOption, as_json: JsonFlag = False) -> None:
    """A case's home visits (newest first), plan goals and reviews."""
    found = visits_and_plan(runtime(), case_id=case_id)
    if as_json:
        print_json(_json(found))
        return
    if not found["visits"]:
        typer.echo("no home visits")
    for v in found["visits"]:
        who = ", ".join(p["username"] or str(p["id"]) for p in v["visitors"])
        due = f", next due {v['next_visit_due'].isoformat()}" if v["next_visit_due"] else ""
        typer.echo(f"#{v['id']} {v['visited_on'].isoformat()} by {who}{due}: {v['observations']}")
    for g in found["goals"]:
        typer.echo(f"goal #{g['id']} [{g['status']}] by {g['by_when'].isoformat()}: {g['what']}")
    if found["next_review_on"]:
        typer.echo(f"next plan review: {found['next_review_on'].isoformat()}")


@goal_app.command("add")
def add_goal(
    case_id: CaseOption,
    what: Annotated[str, typer.Option("--what", help="What the family is to reach.")],
    by_when: Annotated[str, typer.Option("--by", help="By when.")],
    actor: ActorOption = None,
) -> None:
    """Add a goal to the case's service plan (its first schedules the plan's review)."""
    event = handle(
        runtime(),
        AddGoal(
            case_id=case_id, actor=actor_of(actor), what=what, by_when=required_day(by_when, "--by")
        ),
    )
    echo_changed(event, "plan goal")


@goal_app.command("update")
def update_goal(
    goal_id: Annotated[int, typer.Option("--goal", help="Goal id.")],
    what: Annotated[str | None, typer.Option("--what")] = None,
    by_when: Annotated[str | None, typer.Option("--by")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="open, achieved, dropped (required unless --what or --by changes the goal)",
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it was dropped.")] = None,
    actor: ActorOption = None,
) -> None:
    """Change a goal's text, date or status (dropped needs --reason)."""
    event = handle(
        runtime(),
        UpdateGoal(
            goal_id=goal_id,
            actor=actor_of(actor),
            what=what,
            by_when=parse_day(by_when, "--by", required=False),
            status=status,
            reason=reason,
        ),
    )
    echo_changed(event, "plan goal")


def review(
    case_id: CaseOption,
    reviewed_on: DateOption,
    staff: StaffOption,
    decision: Annotated[
        list[str] | None,
        typer.Option(
            "--decision",
            help="GOAL_ID:STATUS:what was decided (status open, achieved or dropped); "
            "one per open goal.",
        ),
    ] = None,
    next_review: Annotated[
        str | None, typer.Option("--next", help="Next review (default: the configured months).")
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Record a review of the case's service plan."""
    decisions = []
    problems = Collector()
    for text in decision or []:
        parts = text.split(":", 2)
        goal_id = whole_number(parts[0], "--decision", problems, minimum=1)
        if len(parts) != 3 or goal_id is None:
            problems.add("--decision", f"{text!r} is not GOAL_ID:STATUS:decision")
            continue
        decisions.append(GoalDecision(goal_id=goal_id, status=parts[1], decision=parts[2]))
    problems.check()
    event = handle(
        runtime(),
        RecordReview(
            case_id=case_id,
            actor=actor_of(actor),
            reviewed_on=required_day(reviewed_on, "--date"),
            reviewers=tuple(staff),
            decisions=tuple(decisions),
            next_review_on=parse_day(next_review, "--next", required=False),
        ),
    )
    echo_changed(event, "plan review")
