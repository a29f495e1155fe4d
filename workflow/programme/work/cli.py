"""``hogatar my-work --actor USERNAME``: what is due for a member of staff, overdue
first, and for a manager the team's by worker."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workflow.cli_context import JsonFlag, print_json, runtime
from workflow.programme.work.collector import my_work


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def _line(item: dict[str, Any]) -> str:
    flag = " OVERDUE" if item["overdue"] else ""
    case = f" case {item['case_id']}" if item["case_id"] else ""
    detail = " ".join(f"{k}={v}" for k, v in item["detail"].items())
    return f"{item['due_on'].isoformat()}{flag} {item['kind']}{case} {detail} -> {item['link']}"


def my_work_command(
    actor: Annotated[str, typer.Option("--actor", help="The staff member's username.")],
    as_json: JsonFlag = False,
) -> None:
    """Everything due for a member of staff, by date, overdue first."""
    work = my_work(runtime(), username=actor)
    if as_json:
        print_json(_json(work))
        return
    if not work["items"]:
        typer.echo("nothing due")
    for item in work["items"]:
        typer.echo(_line(item))
    for worker in work["team"]:
        name = worker["full_name"] or worker["username"] or "(nobody assigned)"
        typer.echo(f"-- {name}: {len(worker['items'])} due, {worker['overdue']} overdue")
        for item in worker["items"]:
            typer.echo("   " + _line(item))
