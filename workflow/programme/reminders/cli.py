"""``hogatar reminder``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, one_of, runtime
from workflow.programme.reminders import queries
from workflow.programme.reminders.commands import AcknowledgeReminder, SweepReminders
from workflow.programme.reminders.models import REMINDER_STATUSES
from workflow.programme.shared.cli import CaseOption, StatusOption, show_rows
from workflow.programme.staff import existing_staff
from workflow.services import handle

reminder_app = typer.Typer(no_args_is_help=True, help="Follow-up reminders.")


@reminder_app.command("list")
def reminder_list(
    case: CaseOption = None,
    status: StatusOption = None,
    recipient: Annotated[str | None, typer.Option("--to", help="Staff username.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Reminders, soonest first."""
    one_of(status, REMINDER_STATUSES, "--status")
    if recipient is not None:
        recipient = existing_staff(runtime(), recipient)
    show_rows(
        queries.list_reminders(runtime(), case_id=case, recipient=recipient, status=status),
        as_json,
        lambda r: (
            f"#{r['id']} case {r['case_id']} {r['kind']} to {r['recipient']}: "
            f"{r['status']} (due {r['due_at']})"
        ),
        "no reminders",
    )


@reminder_app.command("acknowledge")
def reminder_acknowledge(reminder_id: int, actor: ActorOption = None) -> None:
    """Mark a reminder seen and acted on (stops its escalation)."""
    handle(runtime(), AcknowledgeReminder(reminder_id=reminder_id, actor=actor_of(actor)))
    typer.echo(f"reminder {reminder_id} acknowledged")


@reminder_app.command("sweep")
def reminder_sweep() -> None:
    """Send due reminders and escalate overdue ones now (beat does this every minute)."""
    counts = handle(runtime(), SweepReminders())
    typer.echo(f"{counts['sent']} reminders queued, {counts['escalated']} escalated")
