"""Writing and reading the administration's history.

Every service that changes staff, partners or communities calls ``record`` inside its
own unit of work, before it commits: the change and its history are one transaction, so
the CLI and the web leave the same trace and a refused change leaves none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.clock import as_utc
from workflow.programme.administration.models import AdminChangeRow
from workflow.runtime import Runtime

#: What the history records changes of, in the order the history page offers them.
AREAS = ("staff", "partner", "community")
#: Changes per page of the history.
PAGE_SIZE = 50


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    area: str,
    subject: str,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """One change, kept with the fields that differ (both sides); unchanged fields are left
    out so the history says what changed, not the whole row again."""
    assert area in AREAS, area
    old = dict(before or {})
    new = dict(after or {})
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    session.add(
        AdminChangeRow(
            at=at,
            actor=actor,
            area=area,
            subject=subject,
            action=action,
            before={k: v for k, v in old.items() if k in changed},
            after={k: v for k, v in new.items() if k in changed},
        )
    )


@dataclass(frozen=True)
class HistoryFilter:
    """What the history page and ``hogatar admin history`` filter by; None: any."""

    area: str | None = None
    subject: str | None = None
    actor: str | None = None
    page: int = 1


def recorded_changes(rt: Runtime, wanted: HistoryFilter) -> tuple[list[dict[str, Any]], int]:
    """The changes matching ``wanted``, newest first, one page of them, and how many match."""
    conditions = []
    if wanted.area:
        conditions.append(AdminChangeRow.area == wanted.area)
    if wanted.subject:
        conditions.append(AdminChangeRow.subject == wanted.subject.strip().casefold())
    if wanted.actor:
        conditions.append(AdminChangeRow.actor == wanted.actor.strip())
    with rt.session_factory() as session:
        total = int(
            session.scalar(select(func.count()).select_from(AdminChangeRow).where(*conditions)) or 0
        )
        rows = session.scalars(
            select(AdminChangeRow)
            .where(*conditions)
            .order_by(AdminChangeRow.at.desc(), AdminChangeRow.id.desc())
            .offset((max(wanted.page, 1) - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        return [
            {
                "id": row.id,
                "at": as_utc(row.at),
                "actor": row.actor,
                "area": row.area,
                "subject": row.subject,
                "action": row.action,
                "before": row.before,
                "after": row.after,
            }
            for row in rows
        ], total


def history_actors(rt: Runtime) -> list[str]:
    """Everyone who made a change, for the history's "who" filter."""
    with rt.session_factory() as session:
        return list(
            session.scalars(select(AdminChangeRow.actor).distinct().order_by(AdminChangeRow.actor))
        )
