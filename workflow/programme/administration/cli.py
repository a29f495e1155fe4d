"""``hogatar admin history``: the administration's history, as /admin/history shows it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from workflow.cli_context import JsonFlag, one_of, print_json, runtime
from workflow.programme.administration.history import AREAS, HistoryFilter, recorded_changes

admin_app = typer.Typer(no_args_is_help=True, help="The administration's history.")


@admin_app.command("history")
def history(
    area: Annotated[str | None, typer.Option("--area", help="staff, partner or community.")] = None,
    subject: Annotated[
        str | None,
        typer.Option("--subject", help="A username, or a partner's or community's code."),
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who made the change.")] = None,
    page: Annotated[int, typer.Option("--page", min=1, help="50 changes a page.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Every change to staff, partners and communities, newest first: who, when, what,
    before and after (never a password)."""
    one_of(area, AREAS, "--area")
    changes, total = recorded_changes(
        runtime(), HistoryFilter(area=area, subject=subject, actor=actor, page=page)
    )
    if as_json:
        print_json({"total": total, "changes": [{**c, "at": c["at"].isoformat()} for c in changes]})
        return
    if not changes:
        typer.echo("no changes")
        return
    for c in changes:
        typer.echo(
            f"{c['at']:%Y-%m-%d %H:%M} {c['actor']:<20} {c['area']:<10} {c['subject']:<24} "
            f"{c['action']:<20} {json.dumps(c['before'], ensure_ascii=False)} -> "
            f"{json.dumps(c['after'], ensure_ascii=False)}"
        )
