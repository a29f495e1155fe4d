"""``hogatar procurement``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, one_of, runtime
from workflow.programme.procurement import queries
from workflow.programme.procurement.commands import (
    ApproveProcurement,
    CancelProcurement,
    ConsolidatePurchaseOrders,
    DeliverProcurement,
    OrderProcurement,
    RequestGoods,
)
from workflow.programme.procurement.models import PROCUREMENT_STATUSES
from workflow.programme.shared.cli import (
    CaseOption,
    StatusOption,
    parse_amount,
    required_day,
    show_rows,
    today,
)
from workflow.services import handle

procurement_app = typer.Typer(no_args_is_help=True, help="Goods for families, within budget.")


@procurement_app.command("request")
def procurement_request(
    planned_service_id: int,
    amount: Annotated[str | None, typer.Option("--amount", help="Whole dram (AMD).")] = None,
    quantity: Annotated[int, typer.Option("--quantity", min=1)] = 1,
    supplier: Annotated[str | None, typer.Option("--supplier", help="Supplier code.")] = None,
    actor: ActorOption = None,
) -> None:
    """Request the goods of a planned service (checked against the budget)."""
    changed = handle(
        runtime(),
        RequestGoods(
            planned_service_id=planned_service_id,
            amount_amd=parse_amount(amount, "--amount"),
            quantity=quantity,
            supplier=supplier,
            actor=actor_of(actor),
        ),
    )
    typer.echo(f"procurement request {changed.request_id} is {changed.status}")


@procurement_app.command("approve")
def procurement_approve(
    request_id: int,
    amount: Annotated[str | None, typer.Option("--amount", help="Approved amount, AMD.")] = None,
    actor: ActorOption = None,
) -> None:
    """Approve a request (procurement officer or manager; within budget)."""
    changed = handle(
        runtime(),
        ApproveProcurement(
            request_id=request_id,
            amount_amd=parse_amount(amount, "--amount"),
            actor=actor_of(actor),
        ),
    )
    if changed.awaiting_second_approval:
        typer.echo(
            f"procurement request {changed.request_id} approved once: above "
            "HOGATAR_PROCUREMENT_SECOND_APPROVAL_AMD it needs a second approver, another person"
        )
    else:
        typer.echo(f"procurement request {changed.request_id} is {changed.status}")


@procurement_app.command("order")
def procurement_order(request_id: int, actor: ActorOption = None) -> None:
    """Order one approved request now, in a purchase order of its own."""
    changed = handle(runtime(), OrderProcurement(request_id=request_id, actor=actor_of(actor)))
    typer.echo(
        f"procurement request {changed.request_id} ordered "
        f"(purchase order {changed.purchase_order_id})"
    )


@procurement_app.command("deliver")
def procurement_deliver(
    request_id: int,
    delivered_on: Annotated[
        str | None, typer.Option("--on", help="YYYY-MM-DD (default today)")
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Goods delivered: the request is done and the family's planned service delivered."""
    day = required_day(delivered_on, "--on") if delivered_on else today()
    changed = handle(
        runtime(),
        DeliverProcurement(request_id=request_id, delivered_on=day, actor=actor_of(actor)),
    )
    typer.echo(f"procurement request {changed.request_id} is {changed.status}")


@procurement_app.command("cancel")
def procurement_cancel(
    request_id: int,
    reason: Annotated[str, typer.Option("--reason", help="Why.")],
    actor: ActorOption = None,
) -> None:
    """Cancel a request that was not ordered yet."""
    changed = handle(
        runtime(), CancelProcurement(request_id=request_id, reason=reason, actor=actor_of(actor))
    )
    typer.echo(f"procurement request {changed.request_id} is {changed.status}")


@procurement_app.command("list")
def procurement_list(
    status: StatusOption = None, case: CaseOption = None, as_json: JsonFlag = False
) -> None:
    """Procurement requests (e.g. --status requested: awaiting approval)."""
    one_of(status, PROCUREMENT_STATUSES, "--status")
    show_rows(
        queries.list_procurement(runtime(), status=status, case_id=case),
        as_json,
        lambda r: (
            f"#{r['id']} case {r['case_id']} {r['service']} × {r['quantity']}: "
            f"{r['amount_amd']} AMD from {r['supplier']} [{r['status']}]"
        ),
        "no procurement requests",
    )


@procurement_app.command("orders")
def procurement_orders(as_json: JsonFlag = False) -> None:
    """Purchase orders, one per supplier and week."""
    show_rows(
        queries.list_purchase_orders(runtime()),
        as_json,
        lambda o: (
            f"PO {o['id']} {o['supplier']}: {o['total_amd']} AMD, requests "
            f"{', '.join(map(str, o['request_ids']))}, sent {o['sent_at'] or 'not yet'}"
        ),
        "no purchase orders",
    )


@procurement_app.command("consolidate")
def procurement_consolidate() -> None:
    """Group approved requests into purchase orders now (beat does this weekly)."""
    orders = handle(runtime(), ConsolidatePurchaseOrders())
    typer.echo(f"{len(orders)} purchase orders created")


@procurement_app.command("budget")
def procurement_budget(as_json: JsonFlag = False) -> None:
    """Each budget line: budget, committed, remaining (AMD)."""
    show_rows(
        queries.budget(runtime()),
        as_json,
        lambda b: (
            f"{b['budget_line']:<18} budget {b['budget_amd']:>10}  committed "
            f"{b['committed_amd']:>10}  remaining {b['remaining_amd']:>10}"
        ),
        "no budget lines",
    )
