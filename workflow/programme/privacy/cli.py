"""``hogatar access list``, ``hogatar retention run`` and ``hogatar privacy export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.errors import InvalidInput
from workflow.programme.privacy.commands import RunRetention
from workflow.programme.shared.cli import CaseOption, parse_day
from workflow.programme.staff import existing_staff

access_app = typer.Typer(no_args_is_help=True, help="The access log of family files.")
retention_app = typer.Typer(no_args_is_help=True, help="Anonymise cases closed long ago.")
privacy_app = typer.Typer(no_args_is_help=True, help="A family's own data (subject access).")


@access_app.command("list")
def access_list(
    case: CaseOption = None,
    staff: Annotated[
        str | None, typer.Option("--staff", help="Only this person (username or cli:NAME).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day on, e.g. 2026-11-01.")
    ] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many.")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="At most.")] = 100,
    as_json: JsonFlag = False,
) -> None:
    """Who viewed, downloaded or exported what, and from where; newest first."""
    from workflow.programme.privacy.services import list_access

    if staff is not None and not staff.startswith(("cli:", "system:")):
        staff = existing_staff(runtime(), staff)
    page = list_access(
        runtime(),
        case_id=case,
        actor=staff,
        since=parse_day(since, "--since", required=False),
        offset=offset,
        limit=limit,
    )
    if as_json:
        print_json(page.as_dict())
        return
    if not page.entries:
        typer.echo("no access recorded")
        return
    for entry in page.entries:
        case_text = f" case {entry['case_id']}" if entry["case_id"] is not None else ""
        detail = f" ({entry['detail']})" if entry["detail"] else ""
        typer.echo(
            f"{entry['at']} {entry['actor']} from {entry['source']}: "
            f"{entry['kind']}{case_text}{detail}"
        )
    shown = page.offset + len(page.entries)
    if shown < page.total:
        typer.echo(f"{shown} of {page.total}; more with --offset {shown}")


def _case_ids(value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        ids = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise InvalidInput(
            f"--cases must be case ids separated by commas (got {value!r})"
        ) from None
    if not ids or any(i < 1 for i in ids):
        raise InvalidInput(f"--cases must be case ids separated by commas (got {value!r})")
    return ids


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be anonymised; change nothing.")
    ] = False,
    cases: Annotated[
        str | None,
        typer.Option("--cases", help="Only these cases (ID,ID,...); says why any is not due."),
    ] = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Anonymise family cases closed more than HOGATAR_RETENTION_YEARS ago and purge the
    access log past HOGATAR_ACCESS_LOG_RETENTION_DAYS (beat runs it daily)."""
    from workflow.programme.privacy.retention import run_retention

    report = run_retention(
        runtime(), RunRetention(actor=actor_of(actor), dry_run=dry_run, case_ids=_case_ids(cases))
    )
    if as_json:
        print_json(report.as_dict())
    else:
        verb = "would anonymise" if report.dry_run else "anonymised"
        typer.echo(
            f"retention run {report.run_id}: cases closed on or before "
            f"{report.closed_before.isoformat()} ({report.retention_years} year(s)); "
            f"{verb} {len(report.due)} case(s)"
        )
        for due in report.as_dict()["cases"]:
            removes = ", ".join(f"{name} {n}" for name, n in due["removes"].items()) or "nothing"
            typer.echo(f"  case {due['case_id']}, closed on {due['closed_on']}: removes {removes}")
        for case_id, why in report.not_due.items():
            typer.echo(f"  case {case_id} not listed: {why}")
        purge = "would purge" if report.dry_run else "purged"
        typer.echo(f"access log: {purge} {report.access_entries_purged} old entr(ies)")
        for case_id, why in report.problems.items():
            typer.echo(f"  case {case_id} not anonymised: {why}", err=True)
    if report.problems:
        raise typer.Exit(1)


@privacy_app.command("export")
def privacy_export(
    case_id: int,
    path: Annotated[Path, typer.Argument(help="The zip file to write.")],
    actor: ActorOption = None,
) -> None:
    """One family's complete file for a data-subject request: case.json (and documents/)
    in a zip; the access log records the export."""
    from workflow.programme.privacy.subject_access import export_subject_file

    held = export_subject_file(runtime(), case_id=case_id, path=path, actor=actor_of(actor))
    typer.echo(
        f"case {case_id}: {held['members']} member(s), {held['events']} timeline event(s), "
        f"{held['documents']} document(s) written to {path}"
    )
