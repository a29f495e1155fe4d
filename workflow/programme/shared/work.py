""" "My work": what is due for a member of staff, gathered from the rooms that know it.

Each room that has work for people offers a *work source*: given the staff member (or
None: the whole team) and a day, the items due for them, each saying whose it is, when
it is due, which case it is about and where it is done. The composition root
(``workflow.programme.wiring``) registers the sources; the collector
(``workflow.programme.work``) asks each in turn and knows no room's tables. A feature
built later (documents expiring, ...) registers its own source and appears on every
"My work" page, the API and the CLI without a change here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflow.runtime import Runtime


@dataclass(frozen=True)
class Worker:
    """Whose work is asked for: a staff member's id, username and role."""

    id: int
    username: str
    role: str


@dataclass(frozen=True)
class WorkItem:
    #: What it is (a code the pages name: ``reminder``, ``home_visit``, ...).
    kind: str
    due_on: date
    #: Where it is done: a path of the web app.
    link: str
    #: The staff member it waits for (their id); None: whoever of the role may do it.
    owner_id: int | None
    case_id: int | None = None
    #: What the page says besides the kind (ids, a reminder's kind, a service code...):
    #: codes and numbers only, shown in the reader's language by the page.
    detail: Mapping[str, Any] = field(default_factory=dict)
    #: Items of two sources about the same thing (a visit due, and the reminder of it)
    #: share a key: the list shows the first, with the other's detail added.
    key: tuple[Any, ...] | None = None

    def overdue(self, today: date) -> bool:
        return self.due_on < today


#: ``source(rt, worker, today, until)``: the items due for ``worker`` by ``until`` (and
#: all that are overdue; None: everyone's, for a manager's team view). Each opens its
#: own session from ``rt`` (a scoped one on the web: a reader sees only their cases').
WorkSource = Callable[[Runtime, Worker | None, date, date], list[WorkItem]]

_SOURCES: dict[str, WorkSource] = {}


def register_work_source(name: str, source: WorkSource) -> None:
    """Add (or replace, by name: the composition root may run twice) a source of work."""
    _SOURCES[name] = source


def work_sources() -> dict[str, WorkSource]:
    return dict(_SOURCES)


def owner_of(
    worker: Worker | None, social_worker_id: int | None, psychologist_id: int | None
) -> int | None:
    """Whose item a case's item is: the worker asked for, else (the team's view) the
    family's social worker, else its psychologist."""
    if worker is not None:
        return worker.id
    return social_worker_id or psychologist_id
