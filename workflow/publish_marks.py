"""Marking published outbox rows in batches, off the committing thread.

A committing process publishes its rows right after the commit; marking them
"published" only tells the sweep not to publish them again. Doing that in a second
transaction of its own doubled the database work of a transition. Here the marks are
queued and a background thread writes them every ``interval`` in one statement, for
every row the process published meanwhile. A mark that is lost (the process died first)
leaves its row pending: the sweep publishes it again once the row is older than the grace
period, and the ledger absorbs the duplicate. The marks never undo a worker's outcome:
they apply only to rows still pending with the attempts the publisher saw.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Sequence

from sqlalchemy import String, Table, cast, literal, text, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.clock import Clock
from workflow.outbox import OutboxMessage
from workflow.persistence.models import OutboxRow

log = logging.getLogger(__name__)


class PublishMarks:
    def __init__(
        self, session_factory: sessionmaker[Session], clock: Clock, *, interval: float = 0.5
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._interval = interval
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._queued: list[tuple[int, int]] = []  # (outbox id, attempts seen)
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._registered = False

    def add(self, messages: Sequence[OutboxMessage]) -> None:
        """Queue marks for MESSAGES, which the broker accepted."""
        marks = [(m.outbox_id, m.attempts) for m in messages]
        if not marks:
            return
        with self._lock:
            if self._pid != os.getpid():
                # Forked (a Celery pool process): the parent's queue and thread are not ours.
                self._queued, self._thread, self._pid = [], None, os.getpid()
                self._registered = False
            self._queued.extend(marks)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="hogatar-publish-marks", daemon=True
                )
                self._thread.start()
            if not self._registered:
                atexit.register(self.flush)
                self._registered = True
        self._wake.set()

    def flush(self) -> int:
        """Write every queued mark now; returns how many rows it marked."""
        with self._lock:
            marks, self._queued = self._queued, []
        if not marks:
            return 0
        try:
            return self._write(marks)
        except Exception as exc:  # noqa: BLE001 - unmarked rows are republished by the sweep
            # One line, not the statement with its hundreds of ids.
            log.warning(
                "could not mark %d outbox rows published (%s: %s); the sweep republishes them",
                len(marks),
                type(exc).__name__,
                str(exc).splitlines()[0] if str(exc) else "",
            )
            return 0

    def _run(self) -> None:
        while True:
            self._wake.wait()
            # Let the marks of the next few transitions join this batch.
            threading.Event().wait(self._interval)
            self._wake.clear()
            self.flush()

    def _write(self, marks: list[tuple[int, int]]) -> int:
        table: Table = OutboxRow.__table__  # type: ignore[assignment]
        by_attempts: dict[int, list[int]] = {}
        for outbox_id, attempts in marks:
            by_attempts.setdefault(attempts, []).append(outbox_id)
        marked = 0
        with self._session_factory.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                # Losing a mark in a crash only means a republish the ledger absorbs.
                session.execute(text("SET LOCAL synchronous_commit = off"))
            now = self._clock.now()
            for attempts, ids in by_attempts.items():
                result = session.execute(
                    update(table)
                    .where(
                        table.c.id.in_(ids),
                        table.c.status == "pending",
                        table.c.attempts == attempts,
                    )
                    .values(
                        status="published",
                        published_at=now,
                        task_id=literal("outbox-") + cast(table.c.id, String),
                    )
                )
                marked += result.rowcount  # type: ignore[attr-defined]
        return marked
