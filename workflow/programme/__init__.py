"""The family strengthening programme: its guards, effects and facts, registered by name.

The engine never imports this package; ``workflow.bootstrap`` does, and the workflow
definitions in ``config/workflows`` refer to these functions by name.
"""

from __future__ import annotations

from workflow.effects import EffectRegistry
from workflow.guards import GuardRegistry
from workflow.programme import effects, guards
from workflow.runtime import FactsLoader


def register(
    guard_registry: GuardRegistry,
    effect_registry: EffectRegistry,
    facts: dict[str, FactsLoader],
) -> None:
    guards.register(guard_registry)
    effects.register(effect_registry)
