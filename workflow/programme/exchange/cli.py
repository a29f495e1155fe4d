"""``hogatar import`` and ``hogatar export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime

import_app = typer.Typer(no_args_is_help=True, help="Import from spreadsheets.")
export_app = typer.Typer(no_args_is_help=True, help="Export to spreadsheets.")


@import_app.command("families")
def import_families(
    path: Annotated[Path, typer.Argument(help="A .csv or .xlsx file, one row per person.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid families, report the rest.")
    ] = False,
    confirm_duplicates: Annotated[
        bool,
        typer.Option("--confirm-duplicates", help="Import people already in an open case too."),
    ] = False,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Import families from a spreadsheet; nothing is imported if any row is invalid."""
    from workflow.programme.exchange.imports import ImportProblems, ImportReport
    from workflow.programme.exchange.imports import import_families as run_import

    def show(report: ImportReport) -> None:
        if as_json:
            print_json(report.as_dict())
        else:
            for line in report.lines():
                typer.echo(line)

    try:
        report = run_import(
            runtime(),
            path=path,
            actor=actor_of(actor),
            skip_invalid=skip_invalid,
            confirm_duplicates=confirm_duplicates,
            progress=lambda line: typer.echo(line, err=True),
        )
    except ImportProblems as refused:
        show(refused.report)  # row by row on stdout; the one-line verdict on stderr
        raise
    show(report)


@export_app.command("cases")
def export_cases(
    path: Annotated[Path, typer.Argument(help="The CSV file to write.")],
    state: Annotated[str | None, typer.Option("--state", help="Only cases in this state.")] = None,
    actor: ActorOption = None,
) -> None:
    """Write every family case to CSV (UTF-8, opens in Excel); the access log records it."""
    from workflow.programme.exchange.export import export_cases as run_export

    count = run_export(runtime(), path=path, state=state, actor=actor_of(actor))
    typer.echo(f"{count} case(s) written to {path}")
