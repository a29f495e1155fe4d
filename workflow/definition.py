"""Workflow definitions: states, transitions, guards and effects, declared as data in
``config/workflows/*.toml`` and validated before anything runs.

The engine knows nothing of families: a definition names guards and effects, and the
registries built at bootstrap say whether those names exist.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.queues import EFFECT_QUEUES
from workflow.errors import DefinitionError


@dataclass(frozen=True)
class StateDef:
    name: str
    labels: Mapping[str, str]
    final: bool = False


@dataclass(frozen=True)
class ApprovalDef:
    """``approval = { tiers = ["manager"], deadline_days = 3 }`` on a transition: firing it
    records a request instead of moving the case; each tier (a role, in order) is decided
    by someone other than the requester and the earlier approvers, and the last approval
    fires the transition. ``deadline_days`` is how long each tier has before reminders."""

    tiers: tuple[str, ...]
    deadline_days: int = 3


@dataclass(frozen=True)
class TransitionDef:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    #: What the step is called, per language (``label = { en = "...", hy = "..." }``).
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: Who must approve before the transition happens; None: it happens when fired.
    approval: ApprovalDef | None = None


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    title: str
    initial: str
    states: tuple[StateDef, ...]
    transitions: tuple[TransitionDef, ...]
    #: The parsed file as it was loaded, stored with each version, and where it came from.
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    origin: str = field(default="", compare=False)
    _by_trigger_source: dict[tuple[str, str], TransitionDef] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for transition in self.transitions:
            for source in transition.sources:
                self._by_trigger_source[(transition.trigger, source)] = transition

    @property
    def content_hash(self) -> str:
        """What makes a version: the parsed content, so a comment or a re-ordered table
        key is the same version and any change of meaning is a new one."""
        canonical = json.dumps(self.raw, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def has_state(self, name: str) -> bool:
        return any(state.name == name for state in self.states)

    def is_final(self, name: str) -> bool:
        return any(state.name == name and state.final for state in self.states)

    @property
    def state_names(self) -> list[str]:
        return [state.name for state in self.states]

    @property
    def triggers(self) -> list[str]:
        return list(dict.fromkeys(t.trigger for t in self.transitions))

    def state(self, name: str) -> StateDef:
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(name)

    def transition(self, trigger: str, source: str) -> TransitionDef | None:
        return self._by_trigger_source.get((trigger, source))

    def trigger_label(self, trigger: str, language: str) -> str:
        """The step's name in ``language`` from the definition, else the trigger itself."""
        for transition in self.transitions:
            if transition.trigger == trigger and transition.labels:
                return transition.labels.get(language) or transition.labels.get("en") or trigger
        return trigger

    def state_label(self, name: str, language: str) -> str:
        for state in self.states:
            if state.name == name:
                return state.labels.get(language) or state.labels.get("en") or name
        return name

    def allowed_triggers(self, state: str) -> list[str]:
        return [t.trigger for t in self.transitions if state in t.sources]

    def to_dot(self, *, highlight: str | None = None, language: str = "en") -> str:
        """Graphviz text of the workflow; the README and the web app draw it."""
        lines = [f'digraph "{self.name}" {{', "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        for state in self.states:
            label = state.labels.get(language, state.name)
            attrs = [f'label="{label}"']
            if state.final:
                attrs.append("peripheries=2")
            if state.name == highlight:
                attrs.append('style="rounded,filled"')
                attrs.append("fillcolor=gold")
            lines.append(f'  "{state.name}" [{", ".join(attrs)}];')
        for transition in self.transitions:
            for source in transition.sources:
                lines.append(f'  "{source}" -> "{transition.dest}" [label="{transition.trigger}"];')
        lines.append("}")
        return "\n".join(lines) + "\n"


def _require(table: Mapping[str, Any], key: str, where: str, kind: type) -> Any:
    if key not in table:
        raise DefinitionError(f"{where}: '{key}' is missing")
    value = table[key]
    if not isinstance(value, kind):
        raise DefinitionError(f"{where}: '{key}' must be a {kind.__name__}, got {value!r}")
    return value


def _string_list(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DefinitionError(f"{where}: '{key}' must be a list of names, got {value!r}")
    return tuple(value)


def _approval(table: Mapping[str, Any], where: str) -> ApprovalDef | None:
    value = table.get("approval")
    if value is None:
        return None
    example = 'approval = { tiers = ["manager"], deadline_days = 3 }'
    if not isinstance(value, dict):
        raise DefinitionError(f"{where}: 'approval' must be a table, e.g. {example}")
    unknown = sorted(set(value) - {"tiers", "deadline_days"})
    if unknown:
        raise DefinitionError(
            f"{where}: 'approval' has unknown key {unknown[0]!r}; it takes tiers and deadline_days"
        )
    tiers = value.get("tiers")
    if (
        not isinstance(tiers, list)
        or not tiers
        or not all(isinstance(tier, str) and tier.strip() for tier in tiers)
    ):
        raise DefinitionError(
            f"{where}: approval 'tiers' must be a non-empty list of roles, in the order they "
            f"decide, e.g. {example}; got {tiers!r}"
        )
    days = value.get("deadline_days", 3)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise DefinitionError(
            f"{where}: approval 'deadline_days' must be a whole number of days from 1 to 365, "
            f"got {days!r}"
        )
    return ApprovalDef(tiers=tuple(tiers), deadline_days=days)


def parse_definition(raw: Mapping[str, Any], *, origin: str) -> WorkflowDefinition:
    """Build a definition from parsed TOML; structural problems name the file and item."""
    name = _require(raw, "name", origin, str)
    where = f"workflow {name} ({origin})"
    states = []
    for index, table in enumerate(_require(raw, "states", where, list), start=1):
        state_where = f"{where}, state #{index}"
        labels = table.get("label", {})
        if not isinstance(labels, dict):
            raise DefinitionError(f"{state_where}: 'label' must be a table of language = text")
        states.append(
            StateDef(
                name=_require(table, "name", state_where, str),
                labels=dict(labels),
                final=bool(table.get("final", False)),
            )
        )
    transitions = []
    for index, table in enumerate(_require(raw, "transitions", where, list), start=1):
        t_where = f"{where}, transition #{index}"
        t_labels = table.get("label", {})
        if not isinstance(t_labels, dict):
            raise DefinitionError(f"{t_where}: 'label' must be a table of language = text")
        transitions.append(
            TransitionDef(
                trigger=_require(table, "trigger", t_where, str),
                sources=_string_list(table, "source", t_where),
                dest=_require(table, "dest", t_where, str),
                guards=_string_list(table, "guards", t_where),
                effects=_string_list(table, "effects", t_where),
                labels=dict(t_labels),
                approval=_approval(table, f"{t_where} {table.get('trigger')!r}"),
            )
        )
    return WorkflowDefinition(
        name=name,
        title=str(raw.get("title", name)),
        initial=_require(raw, "initial", where, str),
        states=tuple(states),
        transitions=tuple(transitions),
        raw=dict(raw),
        origin=origin,
    )


def validate_definition(
    definition: WorkflowDefinition,
    *,
    guards: Collection[str],
    effects: Collection[str],
    approval_roles: Collection[str] | None = None,
) -> None:
    """Refuse a definition that could not run as written. Each message names the culprit.

    ``approval_roles`` are the roles the programme knows (None: not checked, for callers
    that validate structure only)."""
    where = f"workflow {definition.name}"
    if definition.origin:
        where += f" ({definition.origin})"
    names = definition.state_names
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DefinitionError(f"{where}: state {duplicates[0]!r} is declared twice")
    known = set(names)
    if definition.initial not in known:
        raise DefinitionError(
            f"{where}: initial state {definition.initial!r} is not a declared state"
        )
    seen: set[tuple[str, str]] = set()
    for transition in definition.transitions:
        t_where = f"{where}: transition {transition.trigger!r}"
        if not transition.sources:
            raise DefinitionError(f"{t_where} has no source state")
        for state in (*transition.sources, transition.dest):
            if state not in known:
                raise DefinitionError(f"{t_where} names unknown state {state!r}")
        for source in transition.sources:
            if (transition.trigger, source) in seen:
                raise DefinitionError(f"{t_where} is declared twice from state {source!r}")
            seen.add((transition.trigger, source))
        for guard in transition.guards:
            if guard not in guards:
                raise DefinitionError(f"{t_where} names unknown guard {guard!r}")
        for effect in transition.effects:
            queue = effect.split(".", 1)[0]
            if "." not in effect or queue not in EFFECT_QUEUES:
                raise DefinitionError(
                    f"{t_where} names effect {effect!r}: it must be '<queue>.<name>' "
                    f"with queue one of {', '.join(EFFECT_QUEUES)}"
                )
            if effect not in effects:
                raise DefinitionError(f"{t_where} names unknown effect {effect!r}")
        if transition.approval is not None and approval_roles is not None:
            for role in transition.approval.tiers:
                if role not in approval_roles:
                    known_roles = ", ".join(sorted(approval_roles)) or "none"
                    raise DefinitionError(
                        f"{t_where}: approval tier {role!r} is not a role that can approve; "
                        f"known roles: {known_roles}"
                    )
    unreachable = known - _reachable(definition)
    if unreachable:
        first = next(n for n in names if n in unreachable)
        raise DefinitionError(
            f"{where}: state {first!r} cannot be reached from {definition.initial!r}"
        )


def _reachable(definition: WorkflowDefinition) -> set[str]:
    reached = {definition.initial}
    queue = deque([definition.initial])
    while queue:
        state = queue.popleft()
        for transition in definition.transitions:
            if state in transition.sources and transition.dest not in reached:
                reached.add(transition.dest)
                queue.append(transition.dest)
    return reached


def load_definitions(
    directory: Path,
    *,
    guards: Collection[str],
    effects: Collection[str],
    approval_roles: Collection[str] | None = None,
) -> dict[str, WorkflowDefinition]:
    """Read and validate every ``*.toml`` in ``directory``."""
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise DefinitionError(f"no workflow definitions (*.toml) in {directory}")
    definitions: dict[str, WorkflowDefinition] = {}
    for path in files:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise DefinitionError(f"{path.name}: not valid TOML: {exc}") from None
        definition = parse_definition(raw, origin=path.name)
        validate_definition(
            definition, guards=guards, effects=effects, approval_roles=approval_roles
        )
        if definition.name in definitions:
            raise DefinitionError(f"{path.name}: workflow {definition.name!r} is defined twice")
        definitions[definition.name] = definition
    return definitions


def queue_of(effect: str) -> str:
    """Effects are named ``<queue>.<name>``: the family is the Celery queue."""
    return effect.split(".", 1)[0]
