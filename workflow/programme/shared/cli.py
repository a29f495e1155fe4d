"""What the programme's commands share: options, reading a form, days and amounts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from workflow.cli_context import parse_json, print_json, read_json_text, runtime
from workflow.clock import local_day
from workflow.errors import InvalidInput
from workflow.programme.shared.cases import CaseFileChanged
from workflow.programme.shared.values import Collector, date_value, whole_number

VersionOption = Annotated[
    int | None,
    typer.Option(
        "--expected-version", min=1, help="Refuse if the case changed since this version."
    ),
]
DataOption = Annotated[
    str | None,
    typer.Option("--data", help="The form as a JSON object (this or --json-file is required)."),
]
JsonFileOption = Annotated[
    Path | None,
    typer.Option(
        "--json-file",
        help="The form as a JSON file, '-' for stdin (this or --data is required).",
    ),
]
ConfirmOption = Annotated[
    bool,
    typer.Option(
        "--confirm-duplicate", help="Register even though a person is already in an open case."
    ),
]
#: Workflows whose cases are opened by an intake command of the programme, with the file
#: they need, and never bare by ``hogatar case open``: a family case without its family
#: file could never be enrolled.
INTAKE = {
    "family_case": (
        "register the family with `hogatar family register --data '{...}'` (see its --help)"
    ),
}


def today() -> date:
    return local_day(runtime().clock.now())


def read_form(data: str | None, json_file: Path | None) -> Any:
    """The JSON form given inline or as a file; exactly one of the two."""
    if (data is None) == (json_file is None):
        raise InvalidInput("give the form either as --data '{...}' or as --json-file FILE")
    if json_file is not None:
        return parse_json(read_json_text(json_file), str(json_file))
    assert data is not None
    return parse_json(data, "--data")


def parse_day(value: str | None, option: str, *, required: bool = True) -> date | None:
    problems = Collector()
    parsed = date_value(value, option, problems, required=required, not_after=None)
    problems.check()
    return parsed


def required_day(value: str | None, option: str) -> date:
    parsed = parse_day(value, option)
    assert parsed is not None  # required
    return parsed


def parse_amount(value: str | None, option: str, *, required: bool = False) -> int | None:
    """Money from the command line: whole dram; "12.5" and "-3" are refused plainly."""
    problems = Collector()
    amount = whole_number(value, option, problems, required=required, unit=" of dram (AMD)")
    problems.check()
    return amount


DateOption = Annotated[str, typer.Option("--date", help="e.g. 2024-03-15 or 15.03.2024")]


def echo_changed(event: object, what: str) -> None:
    assert isinstance(event, CaseFileChanged)
    record = f" #{event.record_id}" if event.record_id else ""
    typer.echo(f"case {event.case_id}: {what}{record} (version {event.version})")


CaseOption = Annotated[int | None, typer.Option("--case", help="Only this case.")]
StatusOption = Annotated[str | None, typer.Option("--status", help="Only this status.")]


def show_rows(rows: list[dict[str, Any]], as_json: bool, line: Any, empty: str) -> None:
    if as_json:
        print_json(rows)
    elif not rows:
        typer.echo(empty)
    else:
        for row in rows:
            typer.echo(line(row))
