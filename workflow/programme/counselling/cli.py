"""``hogatar counselling``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.programme.counselling.commands import CounsellingRecorded, RecordCounselling
from workflow.programme.shared.cli import DateOption, required_day
from workflow.services import handle

counselling_app = typer.Typer(no_args_is_help=True, help="Counselling sessions.")


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
