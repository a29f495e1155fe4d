"""``hogatar plan`` and ``hogatar income``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.cli_context import ActorOption, actor_of, runtime
from workflow.programme.plans.commands import (
    CancelService,
    DeliverService,
    PlanService,
    RecordIncome,
    StartService,
)
from workflow.programme.shared.cli import (
    DateOption,
    VersionOption,
    echo_changed,
    parse_amount,
    required_day,
)
from workflow.services import handle

income_app = typer.Typer(no_args_is_help=True, help="Income sources (economic stabilisation).")
plan_app = typer.Typer(no_args_is_help=True, help="The service plan of a case.")


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
    echo_changed(event, "income source")


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
    echo_changed(event, "planned service")


@plan_app.command("start")
def start(planned_service_id: int, actor: ActorOption = None) -> None:
    """A planned service is under way (goods ordered, course started)."""
    event = handle(
        runtime(), StartService(planned_service_id=planned_service_id, actor=actor_of(actor))
    )
    echo_changed(event, "service started")


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
    echo_changed(event, "delivery")


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
    echo_changed(event, "service cancelled")
