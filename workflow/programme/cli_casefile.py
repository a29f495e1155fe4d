"""``hogatar assessment|consent|income|plan|counselling ...`` and ``assign``/``reassign``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.programme.assessment.cli import assessment_app
from workflow.programme.commands import (
    AssignCase,
    CancelService,
    CasesReassigned,
    ConsentInput,
    ConsentWithdrawn,
    CounsellingRecorded,
    DeliverService,
    PlanService,
    ReassignCases,
    RecordConsent,
    RecordCounselling,
    RecordIncome,
    StartService,
    WithdrawConsent,
)
from workflow.programme.shared.cli import (
    ActorOption,
    DateOption,
    JsonFlag,
    VersionOption,
    _changed,
    actor_of,
    parse_amount,
    print_json,
    required_day,
    runtime,
)
from workflow.services import handle

consent_app = typer.Typer(no_args_is_help=True, help="The family's consent.")
income_app = typer.Typer(no_args_is_help=True, help="Income sources (economic stabilisation).")
plan_app = typer.Typer(no_args_is_help=True, help="The service plan of a case.")
counselling_app = typer.Typer(no_args_is_help=True, help="Counselling sessions.")


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


@income_app.command("record")
def record_income(
    case_id: int,
    kind: Annotated[str, typer.Option("--kind", help="employment or self_employment")],
    started_on: Annotated[str, typer.Option("--started", help="Start date.")],
    description: Annotated[str | None, typer.Option("--description")] = None,
    monthly: Annotated[str | None, typer.Option("--monthly-amd", help="Whole dram.")] = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Record an income source (employment or self-employment)."""
    event = handle(
        runtime(),
        RecordIncome(
            case_id=case_id,
            actor=actor_of(actor),
            kind=kind,
            started_on=required_day(started_on, "--started"),
            description=description,
            monthly_amount_amd=parse_amount(monthly, "--monthly-amd"),
            expected_version=expected_version,
        ),
    )
    _changed(event, "income source")


@plan_app.command("add-service")
def add_service(
    case_id: int,
    service: Annotated[str, typer.Option("--service", help="A code of the catalogue.")],
    target_date: Annotated[str, typer.Option("--target-date")],
    provider_staff: Annotated[
        str | None,
        typer.Option(
            "--provider-staff",
            help="Staff username (one of --provider-staff / --provider-partner is required).",
        ),
    ] = None,
    provider_partner: Annotated[
        str | None,
        typer.Option(
            "--provider-partner",
            help="Partner organisation (one of --provider-staff / --provider-partner is required).",
        ),
    ] = None,
    funder: Annotated[
        str | None,
        typer.Option("--funder", help="Who pays; required for a funded service (surgery)."),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option("--amount", help="Funded amount, dram; required for a funded service."),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Plan a service for the case."""
    event = handle(
        runtime(),
        PlanService(
            case_id=case_id,
            actor=actor_of(actor),
            service=service,
            target_date=required_day(target_date, "--target-date"),
            provider_staff=provider_staff,
            provider_partner=provider_partner,
            funder=funder,
            funded_amount_amd=parse_amount(amount, "--amount"),
            notes=notes,
            expected_version=expected_version,
        ),
    )
    _changed(event, "planned service")


@plan_app.command("start")
def start(planned_service_id: int, actor: ActorOption = None) -> None:
    """A planned service is under way (goods ordered, course started)."""
    event = handle(
        runtime(), StartService(planned_service_id=planned_service_id, actor=actor_of(actor))
    )
    _changed(event, "service started")


@plan_app.command("deliver")
def deliver(
    planned_service_id: int,
    delivered_on: DateOption,
    cost: Annotated[str, typer.Option("--cost", help="Whole dram (AMD).")] = "0",
    quantity: Annotated[str, typer.Option("--quantity")] = "1",
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="A part only; the service stays in progress.")
    ] = False,
    actor: ActorOption = None,
) -> None:
    """Record a delivery (date, quantity, cost); the service is then delivered."""
    count = parse_amount(quantity, "--quantity", required=True)
    event = handle(
        runtime(),
        DeliverService(
            planned_service_id=planned_service_id,
            actor=actor_of(actor),
            delivered_on=required_day(delivered_on, "--date"),
            quantity=count if count is not None else 1,
            cost_amd=parse_amount(cost, "--cost", required=True) or 0,
            notes=notes,
            final=not partial,
        ),
    )
    _changed(event, "delivery")


@plan_app.command("cancel")
def cancel(
    planned_service_id: int,
    reason: Annotated[str, typer.Option("--reason")],
    actor: ActorOption = None,
) -> None:
    """Cancel a planned service."""
    event = handle(
        runtime(),
        CancelService(planned_service_id=planned_service_id, actor=actor_of(actor), reason=reason),
    )
    _changed(event, "service cancelled")


@counselling_app.command("record")
def record_counselling(
    kind: Annotated[str, typer.Option("--kind", help="individual or group")],
    cases: Annotated[list[int], typer.Option("--case", help="Case id; repeat for a group.")],
    psychologist: Annotated[str, typer.Option("--psychologist", help="Staff username.")],
    held_on: DateOption,
    follow_up: Annotated[bool, typer.Option("--follow-up/--no-follow-up")] = False,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a counselling session; a group session links several families."""
    event = handle(
        runtime(),
        RecordCounselling(
            kind=kind,
            case_ids=tuple(cases),
            psychologist=psychologist,
            held_on=required_day(held_on, "--date"),
            actor=actor_of(actor),
            follow_up_needed=follow_up,
            notes=notes,
        ),
    )
    assert isinstance(event, CounsellingRecorded)
    if as_json:
        print_json({"session_id": event.session_id, "case_ids": list(event.case_ids)})
    else:
        typer.echo(f"session {event.session_id} recorded for case(s) {list(event.case_ids)}")


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
