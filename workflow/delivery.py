"""Worker side of an effect: apply it exactly once, or schedule a retry, or open an incident.

Exactly once: the effect's own writes, its ledger row (keyed by outbox id) and the outbox
status change commit together; the outbox row is locked first, so a duplicate delivery
waits, then finds the ledger row and changes nothing.

Retries are data (``outbox.not_before``), not Celery countdowns: the sweep republishes
the row when its backoff is over, so a broker restart loses no retry.

A failure that cannot be recorded (the database itself is unreachable) must not use up
the delivery: ``DeliveryNotRecorded`` tells the task to hand the message back to the
broker, so the effect runs as soon as the database answers again.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import String, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from workflow.errors import PermanentEffectError
from workflow.outbox import OutboxMessage
from workflow.persistence.models import EffectLedgerRow, IncidentRow, OutboxRow
from workflow.runtime import EffectContext, Runtime

log = logging.getLogger(__name__)

Status = Literal["applied", "already_applied", "retry_scheduled", "incident", "skipped"]


@dataclass(frozen=True)
class DeliveryOutcome:
    status: Status
    outbox_id: int
    attempts: int = 0
    error_type: str | None = None


def backoff_delay(
    attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random
) -> timedelta:
    """Exponential backoff with jitter: base * 2^(attempt-1), capped, then 50-100% of it."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return timedelta(seconds=delay * (0.5 + 0.5 * rng()))


class DeliveryNotRecorded(Exception):
    """Neither the effect nor its failure could be written: the database is unreachable.
    The message must go back to the broker, not be acknowledged."""


def deliver_effect(rt: Runtime, *, outbox_id: int, task_id: str | None) -> DeliveryOutcome:
    try:
        outcome, follow_ups = _apply(rt, outbox_id=outbox_id, task_id=task_id)
    except Exception as exc:  # noqa: BLE001 - any failure of the effect is recorded, not lost
        log.warning("effect for outbox row %s failed: %s", outbox_id, type(exc).__name__)
        try:
            return _record_failure(rt, outbox_id=outbox_id, error=exc)
        except DBAPIError as db_error:
            raise DeliveryNotRecorded(
                f"outbox row {outbox_id}: the database did not answer "
                f"({type(db_error.orig).__name__})"
            ) from db_error
    # Effects the handler queued (a referral mail after creating the referral, ...) go out
    # now; if the broker is down the sweep takes them.
    rt.publish_committed(follow_ups)
    return outcome


def deliver_batch(
    rt: Runtime, *, outbox_ids: Sequence[int], task_id: str | None
) -> list[DeliveryOutcome]:
    """The effects of one broker message (one row, or a batch of rows of one effect from
    the relay), each in its own transaction: one failing does not hold back the others.
    Redelivered after a crash, the rows already done are found in the ledger and skipped,
    so a batch is as exactly-once as a single row. ``DeliveryNotRecorded`` hands the
    whole message back."""
    if not outbox_ids or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in outbox_ids
    ):
        raise TypeError(f"effect tasks take integer outbox ids, not {list(outbox_ids)!r}")
    return [deliver_effect(rt, outbox_id=i, task_id=task_id) for i in outbox_ids]


OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]
LEDGER: Table = EffectLedgerRow.__table__  # type: ignore[assignment]

#: Claim the outbox row (a duplicate delivery waits here for the first to finish) and see
#: whether the ledger has it, in one round trip.
CLAIM = (
    select(
        OUTBOX.c.id,
        OUTBOX.c.case_id,
        OUTBOX.c.effect,
        OUTBOX.c.payload,
        OUTBOX.c.status,
        OUTBOX.c.attempts,
        LEDGER.c.outbox_id.label("applied"),
    )
    .select_from(OUTBOX.outerjoin(LEDGER, LEDGER.c.outbox_id == OUTBOX.c.id))
    .where(OUTBOX.c.id == bindparam("outbox_id"))
    .with_for_update(of=OUTBOX)
)


INSERT_LEDGER = insert(LEDGER)
MARK_DONE = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("row_id"))
    .values(
        status="done",
        attempts=bindparam("new_attempts"),
        started_at=bindparam("started"),
        finished_at=bindparam("now"),
        last_error=None,
        task_id=func.coalesce(bindparam("new_task_id", type_=String), OUTBOX.c.task_id),
    )
)

#: PostgreSQL: the ledger row and the outbox row's outcome in one round trip (a
#: data-modifying WITH runs whether or not the UPDATE refers to it).
RECORD_APPLIED = MARK_DONE.add_cte(
    insert(LEDGER)
    .from_select(
        ["outbox_id", "effect", "applied_at", "task_id", "result"],
        select(
            bindparam("row_id", type_=LEDGER.c.outbox_id.type),
            bindparam("ledger_effect", type_=LEDGER.c.effect.type),
            bindparam("started", type_=LEDGER.c.applied_at.type),
            bindparam("ledger_task_id", type_=LEDGER.c.task_id.type),
            bindparam("ledger_result", type_=LEDGER.c.result.type),
        ),
    )
    .cte("recorded")
)


def _apply(
    rt: Runtime, *, outbox_id: int, task_id: str | None
) -> tuple[DeliveryOutcome, list[OutboxMessage]]:
    with rt.unit_of_work() as uow:
        session = uow.session
        # Core statements on the session's connection: same transaction, no ORM dispatch.
        connection = session.connection()
        row = connection.execute(CLAIM, {"outbox_id": outbox_id}).first()
        if row is None:
            log.error("outbox row %s does not exist (message from another database?)", outbox_id)
            return DeliveryOutcome("skipped", outbox_id), []
        # After waiting for the lock, PostgreSQL re-reads the outbox row but not the joined
        # ledger (it keeps the first snapshot's "no ledger row"): the row's own status,
        # written with the ledger row, is what tells a duplicate that the effect is done.
        if row.applied is not None or row.status == "done":
            if row.status != "done":
                session.execute(
                    update(OUTBOX).where(OUTBOX.c.id == outbox_id).values(status="done")
                )
                uow.commit()
            return DeliveryOutcome("already_applied", outbox_id, row.attempts), []
        if row.status == "failed":
            # An incident is open; only an operator's retry puts the row back in play.
            return DeliveryOutcome("skipped", outbox_id, row.attempts), []
        now = rt.clock.now()
        attempt = row.attempts + 1
        handler = rt.effects.handler(row.effect)
        result = handler(
            EffectContext(
                outbox_id=row.id,
                case_id=row.case_id,
                effect=row.effect,
                payload=row.payload,
                now=now,
                attempt=attempt,
                task_id=task_id,
                uow=uow,
                runtime=rt,
            )
        )
        done = {
            "row_id": row.id,
            "new_attempts": attempt,
            "started": now,
            "now": rt.clock.now(),
            "new_task_id": task_id or None,
        }
        if connection.dialect.name == "postgresql":
            ledger = {"ledger_effect": row.effect, "ledger_task_id": task_id}
            connection.execute(RECORD_APPLIED, {**done, **ledger, "ledger_result": dict(result)})
        else:
            connection.execute(
                INSERT_LEDGER,
                {
                    "outbox_id": row.id,
                    "effect": row.effect,
                    "applied_at": now,
                    "task_id": task_id,
                    "result": dict(result),
                },
            )
            connection.execute(MARK_DONE, done)
        uow.commit()
        return DeliveryOutcome("applied", outbox_id, attempt), uow.committed_messages


def _record_failure(rt: Runtime, *, outbox_id: int, error: Exception) -> DeliveryOutcome:
    settings = rt.settings
    with rt.unit_of_work() as uow:
        session = uow.session
        row = session.get(OutboxRow, outbox_id, with_for_update=True)
        if row is None or row.status in ("done", "failed"):
            return DeliveryOutcome("skipped", outbox_id)
        now = rt.clock.now()
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:4000]
        permanent = isinstance(error, PermanentEffectError)
        if permanent or row.attempts > settings.effect_max_retries:
            row.status = "failed"
            row.finished_at = now
            session.add(
                IncidentRow(
                    outbox_id=row.id,
                    case_id=row.case_id,
                    effect=row.effect,
                    error=row.last_error,
                    attempts=row.attempts,
                    status="open",
                    opened_at=now,
                )
            )
            status: Status = "incident"
        else:
            row.status = "pending"
            row.not_before = now + backoff_delay(
                row.attempts,
                base=settings.retry_backoff_seconds,
                cap=settings.retry_backoff_max_seconds,
            )
            status = "retry_scheduled"
        attempts = row.attempts
        uow.commit()
    return DeliveryOutcome(status, outbox_id, attempts, type(error).__name__)
