"""``hogatar foster ...``: a prospective foster family's inquiry and each step of its way
to a placement. Thin: each command builds one command for the service layer. The moves
between steps are ``hogatar case advance CASE TRIGGER``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.programme.foster_care.commands import (
    InquiryRegistered,
    RecordApplication,
    RecordCommissionDecision,
    RecordHomeAssessment,
    RecordMatch,
    RecordMonitoringVisit,
    RecordPlacement,
    RecordTraining,
    RegisterInquiry,
)
from workflow.programme.foster_care.queries import foster_view
from workflow.programme.shared.cases import CaseFileChanged
from workflow.programme.shared.cli import (
    DateOption,
    VersionOption,
    echo_changed,
    parse_day,
    required_day,
)
from workflow.services import handle

foster_app = typer.Typer(
    no_args_is_help=True,
    help="The foster-care pilot: prospective foster families, from inquiry to placement.",
)
NotesOption = Annotated[str | None, typer.Option("--notes")]


def _codes(value: str | None) -> tuple[str, ...]:
    return tuple(code.strip() for code in (value or "").split(",") if code.strip())


def _done(event: object, what: str, as_json: bool) -> None:
    assert isinstance(event, CaseFileChanged)
    if as_json:
        print_json(
            {
                "case_id": event.case_id,
                "record_id": event.record_id,
                "trigger": event.trigger,
                "version": event.version,
            }
        )
    else:
        echo_changed(event, what)


@foster_app.command("inquire")
def inquire(
    family_name: Annotated[str, typer.Option("--family-name", help="The family's surname.")],
    community: Annotated[str, typer.Option("--community", help="Community code or name.")],
    adults: Annotated[int, typer.Option("--adults", help="Adults in the household.")],
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    children: Annotated[
        int, typer.Option("--children", help="Children already living in the household.")
    ] = 0,
    motivation: Annotated[
        str | None, typer.Option("--motivation", help="Why the family wants to foster.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="How the family heard of the pilot.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a family's inquiry about fostering; opens its foster-care case."""
    event = handle(
        runtime(),
        RegisterInquiry(
            actor=actor_of(actor),
            family_name=family_name,
            community=community,
            adults=adults,
            phone=phone,
            address=address,
            children_in_household=children,
            motivation=motivation,
            inquiry_source=source,
        ),
    )
    assert isinstance(event, InquiryRegistered)
    if as_json:
        print_json(
            {
                "id": event.case_id,
                "foster_family_id": event.foster_family_id,
                "version": event.version,
            }
        )
    else:
        typer.echo(event.case_id)


@foster_app.command("apply")
def apply(
    case_id: int,
    submitted_on: DateOption,
    documents: Annotated[
        str | None,
        typer.Option(
            "--documents", help="Documents received, comma-separated codes (foster_care.toml)."
        ),
    ] = None,
    notes: NotesOption = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record the written application, or documents received for it later."""
    event = handle(
        runtime(),
        RecordApplication(
            case_id=case_id,
            actor=actor_of(actor),
            submitted_on=required_day(submitted_on, "--date"),
            documents=_codes(documents),
            notes=notes,
            expected_version=expected_version,
        ),
    )
    _done(event, "application", as_json)


@foster_app.command("home-assessment")
def home_assessment(
    case_id: int,
    assessor: Annotated[str, typer.Option("--assessor", help="Staff username.")],
    assessed_on: DateOption,
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome", help="recommended, recommended_with_conditions or not_recommended."
        ),
    ],
    recommendation: Annotated[
        str, typer.Option("--recommendation", help="The assessor's conclusion in words.")
    ],
    expected_version: VersionOption = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record the home assessment of the family (a later one replaces its verdict)."""
    event = handle(
        runtime(),
        RecordHomeAssessment(
            case_id=case_id,
            actor=actor_of(actor),
            assessor=assessor,
            assessed_on=required_day(assessed_on, "--date"),
            outcome=outcome,
            recommendation=recommendation,
            expected_version=expected_version,
        ),
    )
    _done(event, "home assessment", as_json)


@foster_app.command("training")
def training(
    case_id: int,
    held_on: DateOption,
    modules: Annotated[
        str, typer.Option("--modules", help="Modules covered, comma-separated codes.")
    ],
    trainer: Annotated[str, typer.Option("--trainer", help="Who gave the session.")],
    notes: NotesOption = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a session of the preparation training."""
    event = handle(
        runtime(),
        RecordTraining(
            case_id=case_id,
            actor=actor_of(actor),
            held_on=required_day(held_on, "--date"),
            modules=_codes(modules),
            trainer=trainer,
            notes=notes,
            expected_version=expected_version,
        ),
    )
    _done(event, "training session", as_json)


@foster_app.command("decision")
def decision(
    case_id: int,
    approved: Annotated[
        bool, typer.Option("--approved/--refused", help="The commission's decision.")
    ],
    number: Annotated[str, typer.Option("--number", help="The decision's number.")],
    decided_on: DateOption,
    notes: NotesOption = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record the commission's decision; a refusal closes the case."""
    event = handle(
        runtime(),
        RecordCommissionDecision(
            case_id=case_id,
            actor=actor_of(actor),
            approved=approved,
            decision_number=number,
            decided_on=required_day(decided_on, "--date"),
            notes=notes,
            expected_version=expected_version,
        ),
    )
    _done(event, "commission decision" if approved else "refusal recorded, case closed", as_json)


@foster_app.command("match")
def match(
    case_id: int,
    child_reference: Annotated[
        str,
        typer.Option("--child-reference", help="The child's reference in the guardianship file."),
    ],
    initials: Annotated[str, typer.Option("--initials", help="The child's initials.")],
    age: Annotated[int, typer.Option("--age", help="The child's age in years.")],
    matched_on: DateOption,
    notes: NotesOption = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record the child matched with the family (not the child's file)."""
    event = handle(
        runtime(),
        RecordMatch(
            case_id=case_id,
            actor=actor_of(actor),
            child_reference=child_reference,
            child_initials=initials,
            child_age=age,
            matched_on=required_day(matched_on, "--date"),
            notes=notes,
            expected_version=expected_version,
        ),
    )
    _done(event, "match", as_json)


@foster_app.command("place")
def place(
    case_id: int,
    placed_on: DateOption,
    notes: NotesOption = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record the placement of the matched child with its date."""
    event = handle(
        runtime(),
        RecordPlacement(
            case_id=case_id,
            actor=actor_of(actor),
            placed_on=required_day(placed_on, "--date"),
            notes=notes,
            expected_version=expected_version,
        ),
    )
    _done(event, "placement", as_json)


@foster_app.command("visit")
def visit(
    case_id: int,
    visitor: Annotated[str, typer.Option("--visitor", help="Staff username.")],
    visited_on: DateOption,
    observations: Annotated[str, typer.Option("--observations", help="What the visit found.")],
    next_visit_due: Annotated[
        str | None,
        typer.Option("--next-visit-due", help="When the next visit is due (default: 30 days on)."),
    ] = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a monitoring visit; the next visit's reminder is scheduled."""
    event = handle(
        runtime(),
        RecordMonitoringVisit(
            case_id=case_id,
            actor=actor_of(actor),
            visitor=visitor,
            visited_on=required_day(visited_on, "--date"),
            observations=observations,
            next_visit_due=parse_day(next_visit_due, "--next-visit-due", required=False),
            expected_version=expected_version,
        ),
    )
    _done(event, "monitoring visit", as_json)


@foster_app.command("show")
def show(case_id: int, as_json: JsonFlag = False) -> None:
    """The foster family's file and every step recorded for it."""
    view = foster_view(runtime(), case_id=case_id)
    if as_json:
        print_json(view)
        return
    typer.echo(
        f"case {view['case_id']}: {view['family_name']}, {view['community']['hy']} "
        f"({view['state']}, version {view['version']})"
    )
    typer.echo(
        f"adults: {view['adults']}; children: {view['children_in_household']}; "
        f"phone: {view['phone'] or '-'}; social worker: {view['social_worker'] or '-'}"
    )
    lines: list[tuple[str, list[dict[str, Any]], Any]] = [
        ("applications", view["applications"], lambda r: f"{r['submitted_on']} {r['documents']}"),
        (
            "home assessments",
            view["home_assessments"],
            lambda r: f"{r['assessed_on']} {r['outcome']} by {r['assessor']}",
        ),
        ("training", view["training"], lambda r: f"{r['held_on']} {', '.join(r['modules'])}"),
        (
            "decisions",
            view["decisions"],
            lambda r: (
                f"{r['decided_on']} No {r['decision_number']}: "
                + ("approved" if r["approved"] else "refused")
            ),
        ),
        (
            "matches",
            view["matches"],
            lambda r: (
                f"{r['matched_on']} {r['child_reference']} "
                f"({r['child_initials']}, {r['child_age']})"
            ),
        ),
        ("placements", view["placements"], lambda r: f"{r['placed_on']}"),
        (
            "visits",
            view["visits"],
            lambda r: f"{r['visited_on']} by {r['visitor']}, next due {r['next_visit_due']}",
        ),
    ]
    for title, rows, line in lines:
        if rows:
            typer.echo(f"{title}:")
            for row in rows:
                typer.echo(f"  {line(row)}")
