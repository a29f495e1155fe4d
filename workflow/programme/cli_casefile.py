"""``hogatar assessment|consent|income|plan|counselling ...`` and ``assign``/``reassign``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.programme.assessment.cli import assessment_app
from workflow.programme.commands import (
    AssignCase,
    CasesReassigned,
    ConsentInput,
    ConsentWithdrawn,
    ReassignCases,
    RecordConsent,
    WithdrawConsent,
)
from workflow.programme.counselling.cli import counselling_app
from workflow.programme.plans.cli import income_app, plan_app
from workflow.programme.shared.cli import (
    ActorOption,
    DateOption,
    JsonFlag,
    VersionOption,
    _changed,
    actor_of,
    print_json,
    required_day,
    runtime,
)
from workflow.services import handle

consent_app = typer.Typer(no_args_is_help=True, help="The family's consent.")


@consent_app.command("record")
def record_consent(
    case_id: int,
    purpose: Annotated[str, typer.Option("--purpose", help="What the family agrees to.")],
    given_on: DateOption,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Record the family's consent."""
    event = handle(
        runtime(),
        RecordConsent(
            case_id=case_id,
            actor=actor_of(actor),
            consent=ConsentInput(purpose=purpose, given_on=required_day(given_on, "--date")),
            expected_version=expected_version,
        ),
    )
    _changed(event, "consent")


@consent_app.command("withdraw")
def withdraw_consent(
    case_id: int,
    withdrawn_on: DateOption,
    reason: Annotated[str | None, typer.Option("--reason", help="What the family said.")] = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """The family withdraws its consent: the case is closed with that reason."""
    event = handle(
        runtime(),
        WithdrawConsent(
            case_id=case_id,
            actor=actor_of(actor),
            withdrawn_on=required_day(withdrawn_on, "--date"),
            reason=reason,
            expected_version=expected_version,
        ),
    )
    assert isinstance(event, ConsentWithdrawn)
    typer.echo(
        f"case {event.case_id}: consent withdrawn; {event.closed_from} -> closed "
        f"(version {event.version})"
    )


def assign(
    case_id: int,
    social_worker: Annotated[
        str | None,
        typer.Option(
            "--social-worker",
            help="Staff username (one of --social-worker / --psychologist is required).",
        ),
    ] = None,
    psychologist: Annotated[
        str | None,
        typer.Option(
            "--psychologist",
            help="Staff username (one of --social-worker / --psychologist is required).",
        ),
    ] = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Assign a social worker and/or a psychologist to a case."""
    event = handle(
        runtime(),
        AssignCase(
            case_id=case_id,
            actor=actor_of(actor),
            social_worker=social_worker,
            psychologist=psychologist,
            expected_version=expected_version,
        ),
    )
    _changed(event, "assigned")


def reassign(
    from_staff: Annotated[str, typer.Option("--from", help="The worker who leaves.")],
    to_staff: Annotated[str, typer.Option("--to", help="The worker who takes over.")],
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Move every open case of a worker to another, in one go (each timeline records it)."""
    event = handle(
        runtime(), ReassignCases(from_staff=from_staff, to_staff=to_staff, actor=actor_of(actor))
    )
    assert isinstance(event, CasesReassigned)
    if as_json:
        print_json(
            {
                "role": event.role,
                "from": event.from_staff,
                "to": event.to_staff,
                "case_ids": list(event.case_ids),
            }
        )
    else:
        typer.echo(
            f"{len(event.case_ids)} open case(s) moved from {event.from_staff} to "
            f"{event.to_staff} ({event.role.replace('_', ' ')})"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(assessment_app, name="assessment")
    app.add_typer(consent_app, name="consent")
    app.add_typer(income_app, name="income")
    app.add_typer(plan_app, name="plan")
    app.add_typer(counselling_app, name="counselling")
    app.command("assign")(assign)
    app.command("reassign")(reassign)
