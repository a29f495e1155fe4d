"""``hogatar assessment``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.cli_context import ActorOption, actor_of, runtime
from workflow.programme.assessment.commands import RecordAssessment
from workflow.programme.shared.cli import DateOption, VersionOption, echo_changed, required_day
from workflow.services import handle

assessment_app = typer.Typer(no_args_is_help=True, help="Assessments of a family.")


@assessment_app.command("record")
def record_assessment(
    case_id: int,
    assessor: Annotated[str, typer.Option("--assessor", help="Staff username.")],
    assessed_on: DateOption,
    risk: Annotated[
        bool, typer.Option("--risk/--no-risk", help="Risk of child abandonment (primary).")
    ],
    risk_description: Annotated[
        str | None,
        typer.Option(
            "--risk-description", help="Required with --risk: what puts the child at risk."
        ),
    ] = None,
    criteria: Annotated[
        str | None,
        typer.Option("--criteria", help="Additional criteria met, comma-separated codes."),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Record an assessment (a re-assessment keeps the earlier ones)."""
    codes = tuple(c.strip() for c in (criteria or "").split(",") if c.strip())
    event = handle(
        runtime(),
        RecordAssessment(
            case_id=case_id,
            actor=actor_of(actor),
            assessor=assessor,
            assessed_on=required_day(assessed_on, "--date"),
            risk_of_abandonment=risk,
            risk_description=risk_description,
            criteria=codes,
            notes=notes,
            expected_version=expected_version,
        ),
    )
    echo_changed(event, "assessment")
