"""``hogatar workflow``: the definitions, their versions, and moving running cases to
another version on purpose. Thin: parse, call the service layer, print."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from config.settings import get_settings
from workflow.cli_context import ActorOption, JsonFlag, actor_of, one_of, print_json, runtime
from workflow.errors import InvalidInput
from workflow.migration import MigrateWorkflow, MigrationResult, migrate_cases
from workflow.notifications import LANGUAGES
from workflow.runtime import Runtime
from workflow.versions import VersionInUse, VersionsNotMigrated, versions_in_use

app = typer.Typer(no_args_is_help=True, help="Workflow definitions and their versions.")


@app.command("check")
def workflow_check() -> None:
    """Validate the workflow definitions, and (with a database) the versions cases run
    on, as start-up does."""
    from workflow.bootstrap import load_workflows

    _, definitions = load_workflows(get_settings())
    for definition in definitions.values():
        typer.echo(
            f"{definition.name}: {len(definition.states)} states, "
            f"{len(definition.transitions)} transitions, ok"
        )
    try:
        report_versions_at_start_up(runtime())
    except (VersionsNotMigrated, OperationalError):
        typer.echo("no migrated database to check the versions cases run on", err=True)


@app.command("diagram")
def workflow_diagram(
    name: Annotated[str, typer.Argument()] = "family_case",
    highlight: Annotated[
        str | None, typer.Option("--highlight", help="State to highlight.")
    ] = None,
    language: Annotated[str, typer.Option("--language", help="en or hy")] = "en",
    version: Annotated[
        int | None,
        typer.Option("--version", min=1, help="A stored version (default: the file's)."),
    ] = None,
) -> None:
    """Print the workflow as Graphviz DOT."""
    if version is None:
        from workflow.bootstrap import load_workflows

        _, definitions = load_workflows(get_settings())
        if name not in definitions:
            known = ", ".join(sorted(definitions))
            raise InvalidInput(f"unknown workflow {name!r}; known: {known}")
        definition = definitions[name]
    else:
        rt = runtime()
        _require_version(rt, name, version)
        definition = rt.machine_at(name, version).definition
    one_of(highlight, definition.state_names, "--highlight")
    one_of(language, LANGUAGES, "--language")
    typer.echo(definition.to_dot(highlight=highlight, language=language), nl=False)


@app.command("versions")
def workflow_versions(
    name: Annotated[str | None, typer.Argument(help="One workflow (default: all).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The versions of each workflow and how many cases run on each."""
    rt = runtime()
    if name is not None:
        rt.machine(name)  # an unknown workflow names the known ones
    rows = [row for row in _versions(rt) if name is None or row.workflow == name]
    if as_json:
        print_json([_version_dict(row) for row in rows])
        return
    for row in rows:
        newest = ", newest" if row.newest else ""
        line = (
            f"{row.workflow} v{row.version}{newest}: {row.running_cases} running, "
            f"{row.finished_cases} finished ({row.source}, recorded "
            f"{row.recorded_at:%Y-%m-%d %H:%M} UTC)"
        )
        if row.stranded_cases:
            line += (
                f"; {row.stranded_cases} in states the newest version lacks: "
                f"{', '.join(row.stranded_states)}"
            )
        typer.echo(line)


@app.command("migrate")
def workflow_migrate(
    name: Annotated[str, typer.Argument(help="The workflow, e.g. family_case.")],
    to: Annotated[int, typer.Option("--to", min=1, help="The version to move cases to.")],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="OLD=NEW: cases in state OLD go to state NEW of the target (repeatable).",
        ),
    ] = None,
    cases: Annotated[
        list[str] | None,
        typer.Option("--cases", help="Only these case ids (comma-separated or repeated)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would happen; change nothing.")
    ] = False,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Move running cases to another version: each case in its own transaction, with an
    event on its timeline. A case whose state the target lacks needs --map."""
    command = MigrateWorkflow(
        workflow=name,
        to_version=to,
        actor=actor_of(actor),
        mapping=_parse_mapping(mapping or []),
        case_ids=_parse_case_ids(cases or []),
        dry_run=dry_run,
    )
    result = migrate_cases(runtime(), command)
    if as_json:
        print_json(result.as_dict())
    else:
        _print_migration(result)
    if not dry_run and result.refused:
        raise typer.Exit(1)


def _parse_mapping(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        old, sep, new = item.partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not old or not new:
            raise InvalidInput(f"--map {item!r}: write it as OLD=NEW, e.g. --map review=enrolled")
        if old in mapping and mapping[old] != new:
            raise InvalidInput(f"--map: state {old!r} is mapped twice ({mapping[old]}, {new})")
        mapping[old] = new
    return mapping


def _parse_case_ids(items: list[str]) -> list[int]:
    ids = []
    for item in items:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 0 < int(part) < 2**63:
                raise InvalidInput(f"--cases: {part!r} is not a case id")
            ids.append(int(part))
    return ids


def _print_migration(result: MigrationResult) -> None:
    verb = "would move" if result.dry_run else "moved"
    header = f"{result.workflow} -> version {result.to_version}"
    if result.dry_run:
        header += " (dry run: nothing changed)"
    typer.echo(header)
    if not result.plans:
        typer.echo("no running case is on another version")
        return
    for plan in result.plans:
        name = plan.family_name or ""
        if plan.outcome == "refused":
            what = f"refused: {plan.note}"
        elif plan.outcome == "mapped":
            what = f"{plan.from_state} -> {plan.to_state} (mapped)"
        else:
            what = f"{plan.from_state} kept"
        typer.echo(f"  case {plan.case_id} {name} v{plan.from_version}: {what}")
    movable = sum(1 for plan in result.plans if plan.outcome != "refused")
    count = movable if result.dry_run else len(result.moved)
    typer.echo(f"{verb} {count}, refused {len(result.refused)}")


def _require_version(rt: Runtime, name: str, version: int) -> None:
    rt.machine(name)
    known = sorted(row.version for row in _versions(rt) if row.workflow == name)
    if version not in known:
        listed = ", ".join(str(v) for v in known) or "none"
        raise InvalidInput(f"workflow {name!r} has no version {version}; its versions: {listed}")


def _versions(rt: Runtime) -> list[VersionInUse]:
    with rt.session_factory() as session:
        return versions_in_use(session, rt.versions, rt.session_factory)


def _version_dict(row: VersionInUse) -> dict[str, object]:
    return {
        "workflow": row.workflow,
        "version": row.version,
        "newest": row.newest,
        "source": row.source,
        "recorded_at": row.recorded_at.isoformat(),
        "running_cases": row.running_cases,
        "finished_cases": row.finished_cases,
        "stranded_cases": row.stranded_cases,
        "stranded_states": list(row.stranded_states),
    }


def report_versions_at_start_up(rt: Runtime) -> None:
    """Record the files' versions, check that every version cases are pinned to still
    runs (else stop, naming it), and say which running cases stay on older versions."""
    if not rt.versions.synced:  # bootstrap records them when the database is migrated
        rt.sync_versions()
    for report in rt.versions.recorded:
        if report.version > 1:
            print(
                f"workflow {report.workflow}: its file changed; recorded as version "
                f"{report.version}, which new cases start on",
                file=sys.stderr,
            )
    rt.versions.check_versions_in_use(rt.session_factory)
    for line in start_up_lines(_versions(rt)):
        print(line, file=sys.stderr)


def start_up_lines(rows: list[VersionInUse]) -> list[str]:
    newest = {row.workflow: row.version for row in rows if row.newest}
    lines = []
    for row in rows:
        if row.newest or not row.running_cases:
            continue
        line = (
            f"workflow {row.workflow}: {row.running_cases} running cases stay on version "
            f"{row.version} ({row.source})"
        )
        to = newest.get(row.workflow)
        if row.stranded_cases:
            maps = " ".join(f"--map {state}=<state>" for state in row.stranded_states)
            line += (
                f"; {row.stranded_cases} of them in a state version {to} lacks "
                f"({', '.join(row.stranded_states)}). To move them on purpose: "
                f"hogatar workflow migrate {row.workflow} --to {to} {maps} --dry-run"
            )
        else:
            line += (
                f". To move them on purpose: "
                f"hogatar workflow migrate {row.workflow} --to {to} --dry-run"
            )
        lines.append(line)
    return lines
