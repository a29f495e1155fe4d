"""The access log: record a look at personal data, list the entries per case and per
person, purge those past their retention.

There is no function to change or delete one entry: what the app writes here stays as
written until the retention job's purge (``purge_access_log``) removes it by age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from workflow.activity import require_actor
from workflow.clock import ARMENIA_TIME, as_utc
from workflow.errors import CaseNotFound, InvalidInput
from workflow.persistence.models import CaseRow
from workflow.programme.privacy.commands import ACCESS_KINDS
from workflow.programme.privacy.models import AccessLogRow
from workflow.programme.shared.access import FileAccessed
from workflow.runtime import Runtime
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

MAX_PAGE = 500
DETAIL_LENGTH = 500
SOURCE_LENGTH = 64


def record_access(
    rt: Runtime,
    *,
    actor: str,
    kind: str,
    source: str,
    case_id: int | None = None,
    detail: str | None = None,
) -> int:
    """Record one access in a transaction of its own (a page view, a download); the id."""
    with rt.unit_of_work() as uow:
        row = record_access_in(
            uow,
            now=rt.clock.now(),
            actor=actor,
            kind=kind,
            source=source,
            case_id=case_id,
            detail=detail,
        )
        uow.commit()
        return row.id


def record_access_in(
    uow: UnitOfWork,
    *,
    now: datetime,
    actor: str,
    kind: str,
    source: str,
    case_id: int | None = None,
    detail: str | None = None,
) -> AccessLogRow:
    """Record one access in the caller's transaction (an export that writes a file)."""
    if kind not in ACCESS_KINDS:
        raise InvalidInput(f"unknown access kind {kind!r}; kinds: {', '.join(ACCESS_KINDS)}")
    what = clean(detail)
    row = AccessLogRow(
        at=now,
        actor=require_actor(actor)[:120],
        kind=kind,
        case_id=case_id,
        detail=what[:DETAIL_LENGTH] if what else None,
        source=(clean(source) or "unknown")[:SOURCE_LENGTH],
    )
    uow.session.add(row)
    uow.session.flush()
    return row


def after_file_accessed(rt: Runtime, uow: UnitOfWork, event: FileAccessed) -> None:
    """A feature announced a look at personal data: log it in that same transaction."""
    record_access_in(
        uow,
        now=rt.clock.now(),
        actor=event.actor,
        kind=event.kind,
        source=event.source,
        case_id=event.case_id,
        detail=event.detail,
    )


@dataclass(frozen=True)
class AccessPage:
    entries: list[dict[str, Any]]
    total: int
    offset: int
    limit: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
        }


def list_access(
    rt: Runtime,
    *,
    case_id: int | None = None,
    actor: str | None = None,
    since: date | None = None,
    offset: int = 0,
    limit: int = 100,
) -> AccessPage:
    """Entries newest first, for one case and/or one person, from a day on (Yerevan)."""
    if offset < 0:
        raise InvalidInput("offset must be 0 or more")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    conditions: list[Any] = []
    with rt.session_factory() as session:
        if case_id is not None:
            if session.get(CaseRow, case_id) is None:
                raise CaseNotFound(case_id)
            conditions.append(AccessLogRow.case_id == case_id)
        if actor is not None:
            conditions.append(AccessLogRow.actor == clean(actor))
        if since is not None:
            start = datetime.combine(since, time(0), tzinfo=ARMENIA_TIME)
            conditions.append(AccessLogRow.at >= start)
        total = session.scalar(select(func.count()).select_from(AccessLogRow).where(*conditions))
        rows = session.scalars(
            select(AccessLogRow)
            .where(*conditions)
            .order_by(AccessLogRow.at.desc(), AccessLogRow.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        entries = [
            {
                "id": row.id,
                "at": as_utc(row.at).isoformat(),
                "actor": row.actor,
                "kind": row.kind,
                "case_id": row.case_id,
                "detail": row.detail,
                "source": row.source,
            }
            for row in rows
        ]
    return AccessPage(entries=entries, total=int(total or 0), offset=offset, limit=limit)


def access_cutoff(rt: Runtime) -> datetime:
    return rt.clock.now() - timedelta(days=rt.settings.access_log_retention_days)


def count_expired_access(uow: UnitOfWork, cutoff: datetime) -> int:
    return int(
        uow.session.scalar(
            select(func.count()).select_from(AccessLogRow).where(AccessLogRow.at < cutoff)
        )
        or 0
    )


def purge_access_log(uow: UnitOfWork, cutoff: datetime) -> int:
    """Remove entries older than the retention; the one delete the access log knows."""
    result = uow.session.execute(delete(AccessLogRow).where(AccessLogRow.at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
