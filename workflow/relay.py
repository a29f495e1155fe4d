"""The outbox relay: hands committed outbox rows to the broker.

Two paths, one rule (a row is marked published only after the broker took it):
- right after a commit, the committing process publishes its own rows (low latency);
- a periodic sweep publishes what is still pending (the broker was down at commit time,
  a retry is due) and re-publishes what was published long ago but never finished
  (the broker lost it, e.g. Redis restarted without persistence).
The sweep claims rows with ``FOR UPDATE SKIP LOCKED`` so several relays never publish the
same row at once. A duplicate publish can still happen in rare races; the workers' ledger
makes that harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import String, Table, bindparam, cast, literal, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.clock import Clock
from workflow.persistence.models import OutboxRow

if TYPE_CHECKING:
    from workflow.publish_marks import PublishMarks
from workflow.outbox import OutboxMessage

log = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """The broker did not take the message; the outbox row stays pending for the sweep."""


class Publisher(Protocol):
    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        """Send each message; return those the broker accepted, in order.

        Stops at the first failure and raises ``BrokerUnavailable`` only if none was sent.
        """
        ...


@dataclass(frozen=True)
class RelayPolicy:
    grace: timedelta
    republish_after: timedelta
    batch_size: int


def _mark_published(
    session: Session, messages: Sequence[OutboxMessage], now: datetime, *, seen_status: str
) -> None:
    """Mark rows published, but only those still as the publisher saw them.

    A worker can take the message and finish (done), fail (pending again with one more
    attempt and a ``not_before``) or give up (failed) before the committing process gets
    here; the mark must never undo that outcome, or a scheduled retry would wait for the
    stale-row republish instead of its backoff.
    """
    if not messages:
        return
    table: Table = OutboxRow.__table__  # type: ignore[assignment]
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.status == seen_status,
            table.c.attempts == bindparam("seen_attempts"),
        )
        .values(status="published", published_at=now, task_id=bindparam("row_task_id"))
    )
    session.connection().execute(
        statement,
        [
            {"row_id": m.outbox_id, "row_task_id": m.task_id, "seen_attempts": m.attempts}
            for m in messages
        ],
    )


def publish_committed(
    *,
    messages: Sequence[OutboxMessage],
    publisher: Publisher,
    session_factory: sessionmaker[Session],
    clock: Clock,
    marks: PublishMarks | None = None,
) -> int:
    """Publish rows a transaction just committed. A broker failure is not the caller's
    failure: the transition stands, and the sweep will publish the rows later.

    With ``marks`` the rows are marked published in a later batch (one statement for
    many commits, off this thread); without, in a short transaction right here."""
    if not messages:
        return 0
    try:
        sent = publisher.publish(messages)
    except BrokerUnavailable as exc:
        log.warning("broker unavailable, %d outbox rows left for the sweep: %s", len(messages), exc)
        return 0
    if marks is not None:
        marks.add(sent)
        return len(sent)
    try:
        with session_factory.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                # Losing this mark in a crash only means a republish, which the ledger
                # absorbs: no need to wait for the WAL flush on the transition's hot path.
                session.execute(text("SET LOCAL synchronous_commit = off"))
            _mark_published(session, sent, clock.now(), seen_status="pending")
    except Exception:  # noqa: BLE001 - the messages are out; the sweep's stale rule covers us
        log.exception("published %d outbox rows but could not mark them", len(sent))
    return len(sent)


OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]
_CLAIMED = (OUTBOX.c.id, OUTBOX.c.effect, OUTBOX.c.queue, OUTBOX.c.attempts)
#: The sweep's statements, built once: the relay process runs them at every wake-up, and
#: building them cost more CPU than running them.
DUE_PENDING = (
    select(*_CLAIMED)
    .where(
        OUTBOX.c.status == "pending",
        OUTBOX.c.created_at <= bindparam("created_before"),
        OUTBOX.c.not_before.is_(None) | (OUTBOX.c.not_before <= bindparam("now")),
    )
    .order_by(OUTBOX.c.id)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True)
)
STALE_PUBLISHED = (
    select(*_CLAIMED)
    .where(
        OUTBOX.c.status == "published",
        OUTBOX.c.published_at <= bindparam("published_before"),
    )
    .order_by(OUTBOX.c.id)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True)
)
#: Rows this transaction claimed (locked) and the broker took: nobody else can have
#: changed them meanwhile, so one statement marks them all.
MARK_CLAIMED = (
    update(OUTBOX)
    .where(OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        status="published",
        published_at=bindparam("now"),
        task_id=literal("outbox-") + cast(OUTBOX.c.id, String),
    )
)


def sweep_outbox(
    *,
    publisher: Publisher,
    session_factory: sessionmaker[Session],
    clock: Clock,
    policy: RelayPolicy,
    republish_stale: bool = True,
) -> int:
    """Publish due pending rows and re-publish stale published ones (unless
    ``republish_stale`` is False). Returns how many."""
    now = clock.now()
    passes = [
        (DUE_PENDING, {"created_before": now - policy.grace, "now": now}),
    ]
    if republish_stale:
        passes.append((STALE_PUBLISHED, {"published_before": now - policy.republish_after}))
    total = 0
    for query, params in passes:
        with session_factory() as session, session.begin():
            # Core on the session's connection: no ORM dispatch for plain rows.
            connection = session.connection()
            rows = connection.execute(query, {**params, "batch": policy.batch_size}).all()
            if not rows:
                continue
            if connection.dialect.name == "postgresql":
                # A mark lost in a crash only means a republish, which the ledger absorbs.
                connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            messages = [
                OutboxMessage(outbox_id=r.id, effect=r.effect, queue=r.queue, attempts=r.attempts)
                for r in rows
            ]
            # Publish while the rows are locked: a concurrent sweep skips them meanwhile.
            try:
                sent = publisher.publish(messages)
            except BrokerUnavailable as exc:
                log.warning("outbox sweep: broker unavailable, will try again: %s", exc)
                return total
            if sent:
                connection.execute(MARK_CLAIMED, {"ids": [m.outbox_id for m in sent], "now": now})
            total += len(sent)
    if total:
        log.info("outbox sweep published %d rows", total)
    return total
