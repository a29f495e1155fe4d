"""The composition root: the one place that wires settings, database, registries,
workflow definitions and the broker together, for CLI, worker, web and tests alike."""

from __future__ import annotations

from config.settings import Settings, get_settings
from workflow.clock import Clock, SystemClock
from workflow.definition import WorkflowDefinition, load_definitions
from workflow.effects import EffectRegistry
from workflow.guards import GuardRegistry
from workflow.machine import SharedMachine
from workflow.persistence.database import make_engine, make_session_factory
from workflow.programme import effects as programme_effects
from workflow.programme import guards as programme_guards
from workflow.relay import Publisher
from workflow.runtime import Runtime


def build_registries() -> tuple[GuardRegistry, EffectRegistry]:
    guards = GuardRegistry()
    effects = EffectRegistry()
    programme_guards.register(guards)
    programme_effects.register(effects)
    return guards, effects


def load_workflows(
    settings: Settings,
) -> tuple[GuardRegistry, EffectRegistry, dict[str, WorkflowDefinition]]:
    """Validate every definition against the registries; raises DefinitionError."""
    guards, effects = build_registries()
    definitions = load_definitions(
        settings.workflows_dir, guards=guards.names(), effects=effects.names()
    )
    return guards, effects, definitions


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    publisher: Publisher | None = None,
) -> Runtime:
    settings = settings or get_settings()
    guards, effects, definitions = load_workflows(settings)
    engine = make_engine(settings.database_url)
    if publisher is None:
        from tasks.app import make_celery
        from tasks.publisher import CeleryPublisher

        publisher = CeleryPublisher(make_celery(settings))
    return Runtime(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        clock=clock or SystemClock(),
        definitions=definitions,
        machines={name: SharedMachine(d) for name, d in definitions.items()},
        guards=guards,
        effects=effects,
        publisher=publisher,
    )
