"""The collector of "My work": it asks every registered work source
(``workflow.programme.shared.work``) for the worker's items and orders them, overdue
first, then by date; a manager also gets the team's, grouped by worker."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from workflow.clock import local_day
from workflow.programme.shared.work import Worker, WorkItem, work_sources
from workflow.programme.staff import StaffRow, staff_member
from workflow.programme.work.config import work_rules
from workflow.runtime import Runtime

#: Who sees the team's work by worker besides their own.
TEAM_ROLES = frozenset({"manager", "admin"})


def worker_of(rt: Runtime, username: str) -> Worker:
    """The active staff member ``username`` (unknown or inactive: refused)."""
    with rt.session_factory() as session:
        staff = staff_member(session, username)
        return Worker(id=staff.id, username=staff.username, role=staff.role)


def _merged(items: list[WorkItem]) -> list[WorkItem]:
    """One item per key: the first, with the detail of those it stands for added."""
    kept: dict[Any, WorkItem] = {}
    order: list[WorkItem] = []
    for item in items:
        if item.key is None:
            order.append(item)
            continue
        first = kept.get(item.key)
        if first is None:
            kept[item.key] = item
            order.append(item)
        else:
            merged = WorkItem(
                kind=first.kind,
                due_on=min(first.due_on, item.due_on) if first.kind == "reminder" else first.due_on,
                link=first.link,
                owner_id=first.owner_id,
                case_id=first.case_id,
                detail={**item.detail, **first.detail},
                key=first.key,
            )
            kept[item.key] = merged
            order[order.index(first)] = merged
    return order


def _ordered(items: list[WorkItem], today: date) -> list[WorkItem]:
    return sorted(items, key=lambda i: (not i.overdue(today), i.due_on, i.kind, i.case_id or 0))


def collect(rt: Runtime, worker: Worker | None, today: date) -> list[WorkItem]:
    until = today + timedelta(days=work_rules().within_days)
    found: list[WorkItem] = []
    for source in work_sources().values():
        found.extend(source(rt, worker, today, until))
    return _ordered(_merged(found), today)


def my_work(rt: Runtime, *, username: str, today: date | None = None) -> dict[str, Any]:
    """What is due for ``username``, and for a manager the team's by worker (the workers
    with overdue items first). Items are plain dicts, as the page, the API and the CLI
    show them."""
    worker = worker_of(rt, username)
    day = today or local_day(rt.clock.now())
    mine = collect(rt, worker, day)
    team: list[dict[str, Any]] = []
    if worker.role in TEAM_ROLES:
        by_owner: dict[int | None, list[WorkItem]] = {}
        for item in collect(rt, None, day):
            by_owner.setdefault(item.owner_id, []).append(item)
        with rt.session_factory() as session:
            ids = {i for i in by_owner if i is not None}
            people = {
                s.id: s for s in session.scalars(select(StaffRow).where(StaffRow.id.in_(ids)))
            }
        for owner_id, items in by_owner.items():
            person = people.get(owner_id) if owner_id is not None else None
            team.append(
                {
                    "staff_id": owner_id,
                    "username": person.username if person else None,
                    "full_name": person.full_name if person else None,
                    "overdue": sum(1 for i in items if i.overdue(day)),
                    "items": [as_dict(i, day) for i in items],
                }
            )
        team.sort(key=lambda w: (-w["overdue"], w["full_name"] or "\uffff"))
    return {
        "today": day,
        "username": worker.username,
        "items": [as_dict(i, day) for i in mine],
        "team": team,
    }


def as_dict(item: WorkItem, today: date) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "due_on": item.due_on,
        "overdue": item.overdue(today),
        "case_id": item.case_id,
        "link": item.link,
        "owner_id": item.owner_id,
        "detail": dict(item.detail),
    }
