"""``HOGATAR_RELAY=process`` end to end: committing processes only commit (and NOTIFY);
a real ``hogatar relay`` process publishes in batches; a real worker applies each effect
exactly once. On PostgreSQL with Redis and with RabbitMQ."""

from __future__ import annotations

import signal
import sys
import time
from collections import Counter
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from tests.integration.conftest import service_env
from tests.integration.netfaults import TcpProxy
from tests.support import Process, commit_effect, wait_for
from workflow.commands import OpenCase
from workflow.persistence.models import EffectLedgerRow, OutboxRow
from workflow.runtime import Runtime
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

#: A real effect that succeeds without partners configured for the trigger.
EFFECT = "referrals.notify_partners"


def commit_effects(rt: Runtime, count: int) -> list[int]:
    """COUNT transactions of one case each with one effect, as transitions commit them."""
    ids = []
    for number in range(count):
        case_id = handle(
            rt, OpenCase(actor="system:test", family_name=f"Ընտանիք {number}", community="Արզնի")
        ).case_id
        ids.append(
            commit_effect(rt, case_id, EFFECT, {"case_id": case_id, "trigger": "no-partner"})
        )
    return ids


def statuses(rt: Runtime, ids: list[int]) -> Counter[str]:
    with rt.session_factory() as session:
        rows = session.scalars(select(OutboxRow.status).where(OutboxRow.id.in_(ids))).all()
    return Counter(rows)


def ledger_counts(rt: Runtime, ids: list[int]) -> Counter[int]:
    with rt.session_factory() as session:
        rows = session.execute(
            select(EffectLedgerRow.outbox_id, func.count())
            .where(EffectLedgerRow.outbox_id.in_(ids))
            .group_by(EffectLedgerRow.outbox_id)
        ).all()
    return Counter({outbox_id: count for outbox_id, count in rows})


def start_relay(env: dict[str, str], tmp_path, name: str = "relay") -> Process:
    relay = Process(
        name, [sys.executable, "-m", "workflow.cli", "relay"], env, tmp_path / f"{name}.log"
    )
    relay.wait_for_log("relay: publishing outbox rows", timeout=60)
    return relay


def test_the_relay_process_publishes_in_batches_and_each_effect_runs_once(
    clean_db, clean_broker, runtime_for, processes, tmp_path
):
    # A long poll: only the NOTIFY of each commit can wake the relay in time.
    relay_env = {"HOGATAR_RELAY": "process", "HOGATAR_RELAY_POLL_SECONDS": "30"}
    env = service_env(clean_db, clean_broker, tmp_path / "var", **relay_env)
    rt = runtime_for(clean_db, clean_broker, relay="process", relay_poll_seconds=30)
    # The committing process publishes nothing itself.
    rt.publisher = None  # type: ignore[assignment]
    processes("worker", env)
    relay = start_relay(env, tmp_path)
    try:
        # One commit: its effect is done within seconds, long before any poll.
        started = time.monotonic()
        first = commit_effects(rt, 1)
        wait_for(lambda: statuses(rt, first) == {"done": 1}, timeout=10, what="first effect")
        assert time.monotonic() - started < 10
        # A backlog (the relay paused, as when it is busy or a moment behind) goes out
        # in batches: rows of one effect share a message.
        relay.kill_group(signal.SIGSTOP)
        burst = commit_effects(rt, 60)
        relay.kill_group(signal.SIGCONT)
        wait_for(lambda: statuses(rt, burst) == {"done": 60}, timeout=60, what="the burst done")
    finally:
        relay.stop()
    assert ledger_counts(rt, first + burst) == Counter(dict.fromkeys(first + burst, 1))
    with rt.session_factory() as session:
        task_ids = session.scalars(select(OutboxRow.task_id).where(OutboxRow.id.in_(burst))).all()
    # Each row names the task (Flower's) that applied it: the first row of its batch.
    tasks = Counter(task_ids)
    assert set(tasks) <= {f"outbox-{i}" for i in burst}
    assert len(tasks) < len(burst), "the burst went out one message per effect"


def test_a_killed_relay_loses_nothing_and_a_new_one_takes_over(
    clean_db, clean_redis, runtime_for, processes, tmp_path
):
    relay_env = {"HOGATAR_RELAY": "process", "HOGATAR_RELAY_POLL_SECONDS": "0.5"}
    env = service_env(clean_db, clean_redis, tmp_path / "var", **relay_env)
    rt = runtime_for(clean_db, clean_redis, relay="process")
    rt.publisher = None  # type: ignore[assignment]
    processes("worker", env)
    relay = start_relay(env, tmp_path)
    relay.kill_group(signal.SIGKILL)
    relay.popen.wait(timeout=10)
    # Committed while no relay runs: they wait, pending, nothing lost.
    waiting = commit_effects(rt, 10)
    time.sleep(1.0)
    assert statuses(rt, waiting) == {"pending": 10}
    second = start_relay(env, tmp_path, name="relay-2")
    try:
        wait_for(lambda: statuses(rt, waiting) == {"done": 10}, timeout=30, what="caught up")
    finally:
        second.stop()
    assert ledger_counts(rt, waiting) == Counter(dict.fromkeys(waiting, 1))


def test_the_relay_keeps_publishing_across_a_postgresql_restart(
    clean_db, clean_redis, runtime_for, processes, tmp_path
):
    """The listening connection dies with the server; the relay polls, reconnects, and
    listens again: effects committed after the restart still run within seconds."""
    proxy = TcpProxy(*_host_port(clean_db))
    relay_env = {"HOGATAR_RELAY": "process", "HOGATAR_RELAY_POLL_SECONDS": "30"}
    env = service_env(clean_db, clean_redis, tmp_path / "var", **relay_env)
    rt = runtime_for(clean_db, clean_redis, relay="process", relay_poll_seconds=30)
    rt.publisher = None  # type: ignore[assignment]
    processes("worker", env)
    relay = start_relay({**env, "HOGATAR_DATABASE_URL": proxy.url_for(clean_db)}, tmp_path)
    try:
        before = commit_effects(rt, 3)
        wait_for(lambda: statuses(rt, before) == {"done": 3}, timeout=15, what="before")
        proxy.cut()  # the relay's connections to PostgreSQL die, as in a restart
        relay.wait_for_log("listening failed", timeout=30)
        proxy.restore()
        after = commit_effects(rt, 3)
        wait_for(lambda: statuses(rt, after) == {"done": 3}, timeout=20, what="after")
    finally:
        relay.stop()
        proxy.close()


def _host_port(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or 5432
