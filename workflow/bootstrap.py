"""The composition root: the one place that wires settings, database, registries,
workflow definitions and the broker together, for CLI, worker, web and tests alike."""

from __future__ import annotations

import contextlib
from importlib.metadata import entry_points

from sqlalchemy.exc import SQLAlchemyError

from config.settings import Settings, get_settings
from workflow.approvals import APPROVAL_HANDLERS
from workflow.clock import Clock, SystemClock
from workflow.definition import WorkflowDefinition, load_definitions
from workflow.errors import DefinitionError
from workflow.machine import SharedMachine
from workflow.notifications.mailer import Mailer, mailer_from_settings
from workflow.persistence.database import make_engine, make_session_factory
from workflow.publish_marks import PublishMarks
from workflow.registries import Registries
from workflow.relay import Publisher
from workflow.runtime import Runtime
from workflow.services import register_handler
from workflow.versions import VersionsNotMigrated, WorkflowVersions


def build_registries() -> Registries:
    """What the installed programmes (``hogatar.programmes`` entry points in
    pyproject.toml) plug in: the engine imports none of them by name."""
    registries = Registries()
    for command_type, handler in APPROVAL_HANDLERS.items():
        register_handler(command_type, handler)
    programmes = entry_points(group="hogatar.programmes")
    if not programmes:
        raise DefinitionError(
            "no programme is installed: run `pip install -e .` (make install) first"
        )
    for entry in sorted(programmes, key=lambda e: e.name):
        entry.load()(registries)
    return registries


def load_workflows(settings: Settings) -> tuple[Registries, dict[str, WorkflowDefinition]]:
    """Validate every definition against the registries; raises DefinitionError."""
    registries = build_registries()
    definitions = load_definitions(
        settings.workflows_dir,
        guards=registries.guards.names(),
        effects=registries.effects.names(),
        approval_roles=registries.approval_roles,
    )
    return registries, definitions


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    publisher: Publisher | None = None,
    mailer: Mailer | None = None,
) -> Runtime:
    settings = settings or get_settings()
    registries, definitions = load_workflows(settings)
    engine = make_engine(settings.database_url)
    if publisher is None:
        from workflow.broker import publisher_for

        publisher = publisher_for(settings)
    session_factory = make_session_factory(engine)
    clock = clock or SystemClock()
    rt = Runtime(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        definitions=definitions,
        machines={name: SharedMachine(d) for name, d in definitions.items()},
        versions=WorkflowVersions(
            definitions,
            guards=registries.guards.names(),
            effects=registries.effects.names(),
            approval_roles=registries.approval_roles,
        ),
        guards=registries.guards,
        effects=registries.effects,
        publisher=publisher,
        # SMTP connects per message, never at start-up.
        mailer=mailer or mailer_from_settings(settings),
        facts_loaders=registries.facts,
        transition_listeners=registries.transition_listeners,
        reactions=registries.reactions,
        actor_check=registries.actor_check,
        intakes=registries.intakes,
        metric_sources=registries.metric_sources,
        approver_check=registries.approver_check,
        case_scope=registries.case_scope,
        publish_marks=PublishMarks(session_factory, clock)
        if engine.dialect.name == "postgresql"
        else None,
    )
    # Before any session opens: recording a changed file is a write, and on SQLite a
    # write waits for every open transaction of the process. Not migrated yet (`hogatar
    # db upgrade` is about to run) or not reachable (the command says so when it needs
    # the database): the first unit of work records them.
    with contextlib.suppress(VersionsNotMigrated, SQLAlchemyError):
        rt.sync_versions()
    return rt
