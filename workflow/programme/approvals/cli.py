"""``hogatar approval``: requests waiting for a decision, and deciding them."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.approval_requests import ApprovalView, list_approvals
from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.commands import ApprovalDecided, CancelApproval, DecideApproval
from workflow.errors import InvalidInput
from workflow.services import handle

approval_app = typer.Typer(
    no_args_is_help=True,
    help="Requests that need approval (closing a case, ...): list, approve, reject, cancel.",
)


def _line(view: ApprovalView) -> str:
    step = f"#{view.id} case {view.case_id} '{view.trigger}' by {view.requested_by}"
    if view.awaiting is None:
        return f"{step}: {view.status} ({view.closed_by or '-'})"
    overdue = ", OVERDUE" if view.overdue else ""
    return (
        f"{step}: awaiting {view.awaiting.replace('_', ' ')} (tier {view.tier} of "
        f"{len(view.tiers)}) by {view.deadline_at:%d.%m.%Y}{overdue}"
        + (f" — {view.reason}" if view.reason else "")
    )


@approval_app.command("list")
def approval_list(
    mine: Annotated[
        bool, typer.Option("--mine", help="Only what --actor may decide now (needs --actor).")
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Decided, cancelled and lapsed requests too.")
    ] = False,
    case: Annotated[int | None, typer.Option("--case", help="Only this case.")] = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Pending requests, soonest deadline first."""
    if mine and actor is None:
        raise InvalidInput("--mine needs --actor: whose work to list")
    views = list_approvals(
        runtime(),
        status=None if show_all else "pending",
        case_id=case,
        for_staff=actor_of(actor) if mine else None,
    )
    if as_json:
        print_json([view.as_json() for view in views])
        return
    if not views:
        typer.echo("no requests waiting for a decision" if not show_all else "no requests")
    for view in views:
        typer.echo(_line(view))


def _echo(decided: ApprovalDecided) -> None:
    if decided.advanced is not None:
        moved = decided.advanced
        typer.echo(
            f"approval {decided.approval_id} approved: case {moved.case_id} "
            f"{moved.from_state} -> {moved.to_state} (version {moved.version})"
        )
    elif decided.awaiting is not None:
        typer.echo(
            f"approval {decided.approval_id} approved at this tier; now awaiting "
            f"{decided.awaiting.replace('_', ' ')}"
        )
    else:
        typer.echo(f"approval {decided.approval_id} {decided.status}")


@approval_app.command("approve")
def approval_approve(
    approval_id: int,
    reason: Annotated[str | None, typer.Option("--reason", help="A note (optional).")] = None,
    actor: ActorOption = None,
) -> None:
    """Approve the tier the request awaits; the last approval makes the step happen."""
    _echo(
        handle(
            runtime(),
            DecideApproval(
                approval_id=approval_id, decision="approve", actor=actor_of(actor), reason=reason
            ),
        )
    )


@approval_app.command("reject")
def approval_reject(
    approval_id: int,
    reason: Annotated[str, typer.Option("--reason", help="Why it is rejected.")],
    actor: ActorOption = None,
) -> None:
    """Reject the request, with the reason; the case stays where it is."""
    _echo(
        handle(
            runtime(),
            DecideApproval(
                approval_id=approval_id, decision="reject", actor=actor_of(actor), reason=reason
            ),
        )
    )


@approval_app.command("cancel")
def approval_cancel(
    approval_id: int,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (optional).")] = None,
    actor: ActorOption = None,
) -> None:
    """Withdraw your own pending request."""
    _echo(
        handle(
            runtime(),
            CancelApproval(approval_id=approval_id, actor=actor_of(actor), reason=reason),
        )
    )
