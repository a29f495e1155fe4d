"""Effects: the background work a transition triggers, run by Celery workers.

An effect handler runs inside the worker's unit of work, together with the ledger row
that makes it exactly-once; whatever it returns is kept in the ledger as its result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from workflow.runtime import Runtime
    from workflow.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class EffectContext:
    outbox_id: int
    #: None for work that spans cases (a purchase order for several families).
    case_id: int | None
    effect: str
    payload: Mapping[str, Any]
    now: datetime
    attempt: int
    task_id: str | None
    #: The worker's unit of work: the handler writes through it and may queue further
    #: effects (published once it commits); it never commits itself.
    uow: UnitOfWork
    runtime: Runtime

    @property
    def session(self) -> Session:
        return self.uow.session


class PermanentEffectError(Exception):
    """Raised by a handler when retrying cannot help: an incident is opened at once."""


EffectHandler = Callable[[EffectContext], Mapping[str, Any]]


class EffectRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, EffectHandler] = {}

    def register(self, name: str) -> Callable[[EffectHandler], EffectHandler]:
        def decorator(function: EffectHandler) -> EffectHandler:
            if name in self._handlers:
                raise ValueError(f"effect {name!r} registered twice")
            self._handlers[name] = function
            return function

        return decorator

    def names(self) -> set[str]:
        return set(self._handlers)

    def has(self, name: str) -> bool:
        return name in self._handlers

    def handler(self, name: str) -> EffectHandler:
        return self._handlers[name]


def queue_of(effect: str) -> str:
    """Effects are named ``<queue>.<name>``: the family is the Celery queue."""
    return effect.split(".", 1)[0]
