"""What a programme plugs into the engine, by name: guards, effects, the facts its guards
read, and listeners that keep its rows in step with transitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflow.guards import GuardRegistry
from workflow.runtime import (
    ActorCheck,
    ApproverCheck,
    CaseScopeRule,
    EffectRegistry,
    FactsLoader,
    MetricSource,
    Reaction,
    TransitionListener,
)


@dataclass
class Registries:
    guards: GuardRegistry = field(default_factory=GuardRegistry)
    effects: EffectRegistry = field(default_factory=EffectRegistry)
    facts: dict[str, FactsLoader] = field(default_factory=dict)
    transition_listeners: list[TransitionListener] = field(default_factory=list)
    reactions: dict[type[Any], list[Reaction]] = field(default_factory=dict)
    actor_check: ActorCheck | None = None
    intakes: dict[str, str] = field(default_factory=dict)
    #: What the programme adds to ``hogatar metrics`` (reminders due and overdue, ...).
    metric_sources: list[MetricSource] = field(default_factory=list)
    #: Roles a workflow's ``approval`` tiers may name, and who counts as one of them.
    approval_roles: set[str] = field(default_factory=set)
    approver_check: ApproverCheck | None = None
    #: Scoped access: which cases a staff member reads and changes.
    case_scope: CaseScopeRule | None = None

    def react(self, event_type: type[Any], reaction: Reaction) -> None:
        self.reactions.setdefault(event_type, []).append(reaction)
