"""``hogatar``: the command line for staff and operators. Thin: parse, call the service
layer, print. Errors are one line on stderr; exit 2 for bad input, 1 for anything else."""

from __future__ import annotations

import logging
import sys
from importlib.metadata import entry_points
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.exc import OperationalError as DatabaseUnavailable

from config.queues import ALL_QUEUES
from config.settings import Settings, SettingsError, get_settings
from workflow import cli_context, cli_workflows, processes, queries, services
from workflow.cli_context import (
    ActorOption,
    JsonFlag,
    actor_of,
    each_of,
    parse_json,
    print_json,
    runtime,
)
from workflow.commands import (
    AdvanceCase,
    ApprovalRequested,
    CaseAdvanced,
    CaseOpened,
    OpenCase,
    RetryIncident,
    SkipIncident,
)
from workflow.errors import DefinitionError, HogatarError, InvalidInput

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Hogatar: case-work engine of the family strengthening programme.",
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
case_app = typer.Typer(no_args_is_help=True, help="Family cases.")
outbox_app = typer.Typer(no_args_is_help=True, help="Background work waiting to be delivered.")
incidents_app = typer.Typer(no_args_is_help=True, help="Effects that failed every retry.")
app.add_typer(db_app, name="db")
app.add_typer(case_app, name="case")
app.add_typer(outbox_app, name="outbox")
app.add_typer(incidents_app, name="incidents")
app.add_typer(cli_workflows.app, name="workflow")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version."""
    from workflow.persistence.migrate import upgrade

    upgrade(runtime().engine)
    typer.echo("database is up to date")


@case_app.command("open")
def case_open(
    family: Annotated[str | None, typer.Option("--family", help="Family name.")] = None,
    community: Annotated[str | None, typer.Option("--community", help="Community.")] = None,
    workflow: Annotated[str, typer.Option("--workflow")] = "family_case",
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a bare case of a workflow without an intake of its own; prints its id. (A family
    case is opened by registering the family: hogatar family register.)"""
    intake = runtime().intakes.get(workflow)
    if intake is not None:
        raise InvalidInput(
            f"a case of the {workflow} workflow is opened with the file it needs: {intake} "
            "(`case open` is for workflows without an intake of their own)"
        )
    event = services.handle(
        runtime(),
        OpenCase(actor=actor_of(actor), workflow=workflow, family_name=family, community=community),
    )
    assert isinstance(event, CaseOpened)
    if as_json:
        print_json({"id": event.case_id, "state": event.state, "version": event.version})
    else:
        typer.echo(event.case_id)


def _parse_data(data: str | None) -> dict[str, Any]:
    if data is None:
        return {}
    parsed = parse_json(data, "--data")
    if not isinstance(parsed, dict):
        raise InvalidInput('--data must be a JSON object, e.g. \'{"note": "..."}\'')
    if _holds_nul(parsed):
        raise InvalidInput("--data holds a NUL character (\\u0000): remove it")
    return parsed


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _with_closure_reason(data: dict[str, Any], closure_reason: str | None) -> dict[str, Any]:
    """``--closure-reason`` is ``data.closure_reason`` said plainly; both must agree."""
    if closure_reason is None:
        return data
    given = data.get("closure_reason")
    if given is not None and given != closure_reason:
        raise InvalidInput(
            f"--closure-reason {closure_reason!r} and --data's closure_reason {given!r} differ: "
            "give it once"
        )
    return {**data, "closure_reason": closure_reason}


@case_app.command("advance")
def case_advance(
    case_id: int,
    trigger: str,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required to close or reopen).")
    ] = None,
    data: Annotated[
        str | None, typer.Option("--data", help="JSON object recorded with the event.")
    ] = None,
    closure_reason: Annotated[
        str | None,
        typer.Option(
            "--closure-reason",
            help="Required to close: a closure reason code (config/programme/lists.toml); "
            "'other' also needs --reason.",
        ),
    ] = None,
    expected_version: Annotated[
        int | None,
        typer.Option(
            "--expected-version", min=1, help="Refuse if the case changed since this version."
        ),
    ] = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Fire TRIGGER on a case (assess, enrol, start_services, stabilise, close, reopen)."""
    event = services.handle(
        runtime(),
        AdvanceCase(
            case_id=case_id,
            trigger=trigger,
            actor=actor_of(actor),
            reason=reason,
            data=_with_closure_reason(_parse_data(data), closure_reason),
            expected_version=expected_version,
        ),
    )
    if isinstance(event, ApprovalRequested):
        _print_requested(event, as_json)
        return
    assert isinstance(event, CaseAdvanced)
    if as_json:
        print_json(
            {
                "id": event.case_id,
                "from": event.from_state,
                "to": event.to_state,
                "version": event.version,
                "outbox_ids": list(event.outbox_ids),
            }
        )
    else:
        typer.echo(
            f"case {event.case_id}: {event.from_state} -> {event.to_state} "
            f"(version {event.version})"
        )


def _print_requested(event: ApprovalRequested, as_json: bool) -> None:
    """The step needs approval: the case did not move, a request waits for a decision."""
    if as_json:
        print_json(
            {
                "id": event.case_id,
                "requested": event.trigger,
                "approval_id": event.approval_id,
                "awaiting": event.awaiting,
                "tiers": list(event.tiers),
                "deadline_at": event.deadline_at.isoformat(),
            }
        )
        return
    typer.echo(
        f"case {event.case_id}: '{event.trigger}' requested (approval {event.approval_id}), "
        f"awaiting {event.awaiting.replace('_', ' ')} by {event.deadline_at:%d.%m.%Y}; "
        "the case moves once it is approved (hogatar approval list)"
    )


@case_app.command("show")
def case_show(case_id: int, actor: ActorOption = None, as_json: JsonFlag = False) -> None:
    """A case, its allowed triggers and its timeline with each effect's status (with
    --actor, only a case that staff member may read)."""
    actor_of(actor)  # a staff member's reads are scoped to their cases (cli_context)
    view = queries.case_view(runtime(), case_id=case_id)
    if as_json:
        print_json(view)
        return
    typer.echo(
        f"case {view['id']} ({view['workflow']}): {view['state']}, version {view['version']}"
    )
    if view["family_name"] or view["community"]:
        typer.echo(f"family: {view['family_name'] or '-'}, community: {view['community'] or '-'}")
    typer.echo(f"allowed: {', '.join(view['allowed_triggers']) or 'none'}")
    for event in view["timeline"]:
        move = f"{event['from'] or '-'} -> {event['to']}"
        reason = f" — {event['reason']}" if event["reason"] else ""
        who = f"{event['at']} {event['actor']}"
        typer.echo(f"  v{event['version']} {who}: {event['trigger']} {move}{reason}")
        for effect in event["effects"]:
            typer.echo(
                f"      {effect['name']}: {effect['status']} (attempts {effect['attempts']})"
            )


@outbox_app.command("status")
def outbox_status(as_json: JsonFlag = False) -> None:
    """How many effects are pending, published, done and failed."""
    rt = runtime()
    counts = queries.outbox_counts(rt)
    oldest = queries.oldest_waiting(rt)
    if as_json:
        print_json({**counts, "oldest_waiting": oldest})
        return
    for status, count in counts.items():
        typer.echo(f"{status:>10}: {count}")
    typer.echo(f"    oldest: {_oldest_line(oldest)}")


def _oldest_line(oldest: dict[str, Any] | None) -> str:
    if oldest is None:
        return "nothing waiting"
    return (
        f"{queries.format_age(oldest['age_seconds'])} ago, outbox row {oldest['outbox_id']} "
        f"({oldest['effect']}, {oldest['status']})"
    )


@outbox_app.command("sweep")
def outbox_sweep() -> None:
    """Publish due outbox rows now (beat does this every few seconds)."""
    from workflow.relay import sweep_outbox

    rt = runtime()
    count = sweep_outbox(
        publisher=rt.publisher,
        session_factory=rt.session_factory,
        clock=rt.clock,
        policy=rt.relay_policy,
    )
    typer.echo(f"published {count} outbox rows")


@incidents_app.command("list")
def incidents_list(
    include_retried: Annotated[
        bool, typer.Option("--all", help="Include retried and skipped incidents.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Effects that exhausted their retries (--all: also those retried or skipped)."""
    rt = runtime()
    incidents = queries.list_incidents(rt, include_retried=include_retried)
    if as_json:
        print_json(incidents)
        return
    # Next to the incidents, whether the rest of the pipeline moves.
    typer.echo(f"oldest waiting effect: {_oldest_line(queries.oldest_waiting(rt))}")
    if not incidents:
        typer.echo("no open incidents")
    for incident in incidents:
        typer.echo(
            f"#{incident['id']} case {incident['case_id']} {incident['effect']} "
            f"[{incident['status']}, since {queries.format_age(incident['age_seconds'])}] "
            f"after {incident['attempts']} attempts: {incident['error']}"
        )


@incidents_app.command("skip")
def incidents_skip(
    incident_id: int,
    reason: Annotated[
        str,
        typer.Option("--reason", help="Required: why the effect need not run (on the timeline)."),
    ],
    actor: ActorOption = None,
) -> None:
    """Resolve a failed effect without running it (done by hand, or no longer wanted)."""
    services.handle(
        runtime(), SkipIncident(incident_id=incident_id, actor=actor_of(actor), reason=reason)
    )
    typer.echo(f"incident {incident_id} skipped")


@incidents_app.command("retry")
def incidents_retry(incident_id: int, actor: ActorOption = None) -> None:
    """Put a failed effect back in the queue."""
    services.handle(runtime(), RetryIncident(incident_id=incident_id, actor=actor_of(actor)))
    typer.echo(f"incident {incident_id} retried")


@app.command("metrics")
def metrics(
    port: Annotated[int, typer.Option("--port", help="Port to serve /metrics on.")] = 9464,
    address: Annotated[
        str, typer.Option("--address", help="Address to listen on (keep it private).")
    ] = "127.0.0.1",
) -> None:
    """Serve the engine's Prometheus metrics (outbox, incidents, retries, latency)."""
    import time

    from prometheus_client import start_http_server
    from prometheus_client.registry import CollectorRegistry

    from workflow.metrics import EngineCollector

    registry = CollectorRegistry()
    registry.register(EngineCollector(runtime()))
    start_http_server(port, addr=address, registry=registry)
    typer.echo(f"metrics at http://{address}:{port}/metrics")
    while True:
        time.sleep(3600)


def _checked_settings(*, versions: bool = False) -> Settings:
    """Refuse to start on a bad definition; with ``versions`` (the processes that run
    cases), also record changed files and say which running cases stay on an older
    version of their workflow, and how to move them."""
    settings = get_settings()
    if versions:
        cli_workflows.report_versions_at_start_up(runtime())
    else:
        from workflow.bootstrap import load_workflows

        load_workflows(settings)
    return settings


@app.command("relay")
def relay() -> None:
    """Hand committed outbox rows to the broker (with HOGATAR_RELAY=process)."""
    import signal

    from workflow.relay_process import run_relay

    settings = _checked_settings()
    if settings.relay != "process":
        typer.echo(
            "note: HOGATAR_RELAY is 'inline', so committing processes publish their own rows; "
            "this relay publishes only what they could not (broker down, retries due)",
            err=True,
        )
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    typer.echo("relay: publishing outbox rows")
    run_relay(runtime(), should_stop=lambda: stopping)


@app.command("worker")
def worker(
    queues: Annotated[
        str | None, typer.Option(help="Comma-separated queues (default: all).")
    ] = None,
    concurrency: Annotated[int | None, typer.Option(min=1)] = None,
) -> None:
    """Run a Celery worker for the effect and relay queues."""
    each_of(queues, ALL_QUEUES, "--queues")  # Celery would start, then fail at length
    processes.exec_process(
        processes.worker_argv(
            _checked_settings(versions=True), queues=queues, concurrency=concurrency
        )
    )


@app.command("beat")
def beat() -> None:
    """Run the scheduler (run exactly one)."""
    settings = _checked_settings()
    settings.resolved_var_dir.mkdir(parents=True, exist_ok=True)
    processes.exec_process(processes.beat_argv(settings))


@app.command("flower")
def flower() -> None:
    """Run Flower for operators (HOGATAR_FLOWER_PASSWORD required)."""
    settings = _checked_settings()
    env = processes.flower_env(settings)
    settings.resolved_var_dir.mkdir(parents=True, exist_ok=True)
    processes.exec_process(processes.flower_argv(settings), env)


@app.command("run")
def run() -> None:
    """Run worker, beat and Flower together (and a private Redis if none answers)."""
    raise typer.Exit(processes.run_all(_checked_settings(versions=True)))


def register_plugins(typer_app: typer.Typer) -> None:
    """Commands of what plugs into the engine (the programme, the web app), declared as
    ``hogatar.commands`` entry points in pyproject.toml, in the order of their names."""
    for entry in sorted(entry_points(group="hogatar.commands"), key=lambda e: e.name):
        entry.load()(typer_app)


register_plugins(app)


def _fail(message: str, code: int) -> NoReturn:
    print(f"hogatar: {message}", file=sys.stderr)
    raise SystemExit(code)


#: The largest id or count the database holds (a signed 64-bit integer).
LARGEST_NUMBER = 2**63 - 1
#: The longest value an option or argument takes: a note (10 000 characters by default,
#: notes.toml) with room to spare; a form given with --data may be as long as a form file.
LONGEST_ARGUMENT = 20_000
FORM_OPTION = "--data"


def refuse_impossible_numbers(argv: list[str]) -> None:
    """A number no id or count can be (``case show 99999999999999999999999``), or a value
    longer than any field takes (a 30 000-character name), is bad input, said here rather
    than as the database's "bigint out of range" or "pattern too complex"."""
    after_form_option = False
    option = None  # the option a value belongs to, so the refusal can name it
    for argument in argv:
        value = argument.partition("=")[2] if argument.startswith("--") else argument
        is_form = after_form_option or argument.startswith(FORM_OPTION + "=")
        after_form_option = argument == FORM_OPTION
        longest = cli_context.MAX_FORM_BYTES if is_form else LONGEST_ARGUMENT
        named = argument.partition("=")[0] if argument.startswith("--") else option
        if len(value) > longest:
            where = f"{named} is" if named else "a value is"
            raise InvalidInput(
                f"{where} {len(value)} characters, longer than any hogatar takes "
                f"(at most {longest}; a form goes in --json-file)"
            )
        option = argument if argument.startswith("--") and "=" not in argument else None
        digits = value.removeprefix("-")
        if digits.isdigit() and int(digits) > LARGEST_NUMBER:
            raise InvalidInput(
                f"{value} is larger than any id or count can be (at most {LARGEST_NUMBER})"
            )


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    arguments = sys.argv[1:] if argv is None else argv
    try:
        refuse_impossible_numbers(arguments)
        # A command acting for a staff member reads only what they may (scoped access).
        cli_context.act_for(cli_context.actor_in(arguments))
        code = app(args=argv, standalone_mode=False)
    except DefinitionError as exc:
        # A workflow file (or folder, HOGATAR_WORKFLOWS_DIR) the operator gave: their input.
        _fail(exc.cli_message(), 2)
    except HogatarError as exc:
        _fail(exc.cli_message(), 2 if exc.bad_input else 1)
    except SettingsError as exc:
        _fail(str(exc), 2)
    except typer.Abort:
        _fail("aborted", 1)
    except typer.TyperException as exc:  # usage errors: unknown option, bad value, ...
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        exit_code = int(getattr(exc, "exit_code", 2))
        if not message.strip():  # e.g. help already shown for a bare group
            raise SystemExit(exit_code) from None
        _fail(" ".join(message.split()), exit_code)
    except DatabaseUnavailable as exc:
        _fail(f"cannot reach the database: {str(exc.orig).splitlines()[0]}", 1)
    except DataError as exc:
        # The database refused a value that got past the checks: still the input's fault.
        _fail(f"a value was refused by the database: {str(exc.orig).splitlines()[0]}", 2)
    except SQLAlchemyError as exc:
        _fail(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}", 1)
    except Exception as exc:  # noqa: BLE001 - never a traceback to a user
        logging.getLogger("hogatar").debug("unexpected error", exc_info=True)
        _fail(f"unexpected error: {type(exc).__name__}: {exc}", 1)
    finally:
        cli_context.act_for(None)
    raise SystemExit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
