"""``hogatar relay``: the process that hands committed outbox rows to the broker when
``HOGATAR_RELAY=process``.

The committing transaction only writes its outbox rows, whose INSERT also calls
``pg_notify`` (no extra round trip; PostgreSQL delivers it at the commit, never for a
rollback, and once per transaction). This process listens, and on each wake-up claims every
pending row with ``FOR UPDATE SKIP LOCKED``, publishes them in batches (rows of one effect
share a message) and marks them in the same transaction: one statement for the batch.
So a transition costs its process only its commit, and a burst of 300 commits costs the
broker a few dozen messages. Several relays may run; SKIP LOCKED keeps them apart.

Without a notification it still looks every ``HOGATAR_RELAY_POLL_SECONDS``: for retries
whose backoff is over, rows whose message the broker lost, a NOTIFY missed while the
listening connection was down, and on SQLite (no NOTIFY) for new rows too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from workflow.outbox import RELAY_CHANNEL
from workflow.relay import sweep_outbox
from workflow.runtime import Runtime

log = logging.getLogger(__name__)


class OutboxListener:
    """A connection of its own that LISTENs for commits with outbox rows (PostgreSQL);
    reconnects after a failure, and meanwhile the relay polls."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._connection: Any = None

    def _connect(self) -> Any:
        import psycopg

        url = self._rt.engine.url.set(drivername="postgresql")
        connection = psycopg.connect(
            url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
        )
        connection.execute(f"LISTEN {RELAY_CHANNEL}")
        return connection

    def wait(self, timeout: float) -> bool:
        """Block until a commit notifies (True) or ``timeout`` passes (False)."""
        try:
            if self._connection is None or self._connection.closed:
                self._connection = self._connect()
                # Rows committed while nobody listened: look now.
                return True
            woken = False
            for _ in self._connection.notifies(timeout=timeout, stop_after=1):
                woken = True
            if woken:
                # Let commits that notified meanwhile join this batch, without waiting.
                for _ in self._connection.notifies(timeout=0.0005):
                    pass
            return woken
        except Exception as exc:  # noqa: BLE001 - a lost connection: poll until it is back
            log.warning("relay: listening failed (%s); polling until it reconnects", exc)
            self.close()
            time.sleep(min(timeout, 1.0))
            return False

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001 - it is going away anyway
                log.debug("relay: closing the listening connection", exc_info=True)
        self._connection = None


def run_relay(rt: Runtime, *, should_stop: Callable[[], bool] = lambda: False) -> None:
    """Publish committed outbox rows until ``should_stop()``."""
    settings = rt.settings
    poll = settings.relay_poll_seconds
    policy = rt.relay_policy
    if rt.settings.relay == "process":
        # Nobody else publishes these rows: no grace to wait for a committing process.
        # (Inline, the committing process publishes its own rows and marks them a moment
        # later; without the grace this relay would publish nearly every row again.)
        policy = replace(policy, grace=timedelta(0))
    listener = OutboxListener(rt) if rt.engine.dialect.name == "postgresql" else None
    last_full_sweep = 0.0
    log.info("relay: publishing outbox rows (poll every %.1f s)", poll)
    try:
        while not should_stop():
            now = time.monotonic()
            full = now - last_full_sweep >= poll
            try:
                published = sweep_outbox(
                    publisher=rt.publisher,
                    session_factory=rt.session_factory,
                    clock=rt.clock,
                    policy=policy,
                    republish_stale=full,
                )
            except Exception as exc:  # noqa: BLE001 - the database is down: try again soon
                log.warning("relay: could not read the outbox (%s); trying again", exc)
                time.sleep(min(poll, 1.0))
                continue
            if full:
                last_full_sweep = now
            if published >= policy.batch_size:
                continue  # a backlog: the next batch at once
            if listener is None:
                time.sleep(poll)
            else:
                listener.wait(poll)
    finally:
        if listener is not None:
            listener.close()
