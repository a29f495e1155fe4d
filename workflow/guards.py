"""Guards: pure, named functions that say which requirements of a transition are unmet.

A guard returns the unmet requirements, each said as what to do next ("record an
assessment"), not as a fact that sounds already true; an empty list means the guard
passes. A requirement may be a plain sentence or a ``Requirement`` with a stable code
(for pages that say it in their own language) and a hint naming the command that meets
it (for the command line). Every guard of a transition is evaluated so that a refusal
lists everything still missing, not only the first thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CaseSnapshot:
    id: int
    workflow: str
    state: str
    version: int
    family_name: str | None
    community: str | None


@dataclass(frozen=True)
class GuardContext:
    case: CaseSnapshot
    trigger: str
    reason: str | None
    data: Mapping[str, Any]
    #: Read-side facts a workflow's guards need (assessments, plans, ...), loaded by the
    #: service layer before the guards run so that the guards themselves stay pure.
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Requirement:
    """One unmet requirement: ``code`` is stable (the guard's name, or a finer one), the
    ``message`` says in English what to do, ``hint`` how to do it on the command line."""

    code: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        return self.message

    def with_hint(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


Guard = Callable[[GuardContext], Iterable[str | Requirement]]


class LazyFacts(Mapping[str, Any]):
    """Facts read on first use: a transition whose guards need none (close, reopen, a
    reason check) costs no queries for them."""

    def __init__(self, load: Callable[[], Mapping[str, Any]]) -> None:
        self._load = load
        self._facts: Mapping[str, Any] | None = None

    def _loaded(self) -> Mapping[str, Any]:
        if self._facts is None:
            self._facts = self._load()
        return self._facts

    def __getitem__(self, key: str) -> Any:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


class GuardRegistry:
    def __init__(self) -> None:
        self._guards: dict[str, Guard] = {}

    def register(self, name: str) -> Callable[[Guard], Guard]:
        def decorator(function: Guard) -> Guard:
            if name in self._guards:
                raise ValueError(f"guard {name!r} registered twice")
            self._guards[name] = function
            return function

        return decorator

    def names(self) -> set[str]:
        return set(self._guards)

    def requirements(self, names: Iterable[str], context: GuardContext) -> list[Requirement]:
        """Every unmet requirement of these guards, each once, in the guards' order."""
        found: list[Requirement] = []
        for name in names:
            for problem in self._guards[name](context):
                requirement = (
                    problem if isinstance(problem, Requirement) else Requirement(name, problem)
                )
                if requirement not in found:
                    found.append(requirement)
        return found

    def unmet(self, names: Iterable[str], context: GuardContext) -> list[str]:
        """The messages of ``requirements``."""
        return [r.message for r in self.requirements(names, context)]


def reason_given(context: GuardContext) -> list[Requirement]:
    """Generic: closing, reopening and the like must say why."""
    if context.reason is None or not context.reason.strip():
        trigger = context.trigger
        return [
            Requirement(
                "reason_given",
                f"give the reason to {trigger.replace('_', ' ')}",
                f"hogatar case advance {context.case.id} {trigger} --reason TEXT",
            )
        ]
    return []
