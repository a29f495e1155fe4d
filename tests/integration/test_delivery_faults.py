"""Faults between the engine's processes and its services, on real PostgreSQL, Redis,
SMTP and Celery worker processes: the network to PostgreSQL cut under a worker, a worker
failing before the committing process marks the row, a broker that hangs, a worker
killed after the mail server accepted a mail, and a whole worker killed."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator, Sequence
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from tests.integration.conftest import service_env
from tests.integration.netfaults import TcpProxy
from tests.integration.test_delivery_pipeline import all_done, ledger_counts
from tests.programme_fixtures import case_in, ensure_staff, prepare, register
from tests.support import free_port, wait_for
from workflow import queries
from workflow.commands import AdvanceCase
from workflow.notifications.sink import serve
from workflow.outbox import OutboxMessage
from workflow.persistence.models import OutboxRow
from workflow.programme import referrals
from workflow.programme.referrals import CreateReferral
from workflow.relay import Publisher
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def proxy_in_front_of(url: str) -> TcpProxy:
    parsed = urlparse(url)
    default_port = {"postgresql": 5432, "redis": 6379, "amqp": 5672}[parsed.scheme]
    return TcpProxy(parsed.hostname or "127.0.0.1", parsed.port or default_port)


@pytest.fixture
def proxies() -> Iterator[list[TcpProxy]]:
    made: list[TcpProxy] = []
    yield made
    for proxy in made:
        proxy.close()


def outbox_rows(rt, ids: Sequence[int]) -> list[OutboxRow]:
    with rt.session_factory() as session:
        return list(session.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids))))


def assessed_cases(rt, count: int) -> list[int]:
    """Cases ready for ``assess``, whose effect the faulty worker wraps."""
    cases = []
    for number in range(count):
        case_id = register(rt, family_name=f"Ընտանիք {number}", community="Աբովյան")
        prepare(rt, case_id, "assess")
        cases.append(case_id)
    return cases


def test_a_worker_cut_off_from_postgresql_hands_its_messages_back(
    clean_db, clean_broker, runtime_for, processes, proxies, tmp_path
):
    """D1: without the fix, each message was taken, its failure could not be written
    (same database) and Celery acknowledged it: the rows waited for the stale republish."""
    proxy = proxy_in_front_of(clean_db)
    proxies.append(proxy)
    env = service_env(proxy.url_for(clean_db), clean_broker, tmp_path / "var")
    worker = processes("worker", env)  # no beat: nothing but the message itself can help
    rt = runtime_for(clean_db, clean_broker)
    cases = assessed_cases(rt, 6)

    proxy.cut()
    ids = [
        handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w")).outbox_ids[0]
        for case_id in cases
    ]
    time.sleep(4)  # the idle worker has taken every message at least once meanwhile
    assert queries.outbox_counts(rt)["done"] == 0

    proxy.restore()
    back = time.monotonic()
    wait_for(lambda: all_done(rt), timeout=30, what="every effect once the database is back")
    assert time.monotonic() - back < 20
    assert ledger_counts(rt) == dict.fromkeys(ids, 1)
    assert "the database did not answer" in worker.log()


class WorkerFirst:
    """The broker took the messages, and the worker already ran (and failed) the effect,
    before the committing process gets to mark its rows published."""

    def __init__(self, inner: Publisher, rt) -> None:
        self.inner = inner
        self.rt = rt

    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        sent = self.inner.publish(messages)
        ids = [m.outbox_id for m in sent]
        wait_for(
            lambda: all(row.attempts >= 1 for row in outbox_rows(self.rt, ids)),
            timeout=60,
            what="the worker's failed attempt",
        )
        return sent


def test_the_publish_mark_never_undoes_a_workers_retry(
    clean_db, clean_broker, runtime_for, processes, tmp_path
):
    """D2: without the fix the mark turned the scheduled retry back into "published",
    and the retry waited for the stale republish (15 minutes) instead of its backoff."""
    env = service_env(
        clean_db,
        clean_broker,
        tmp_path / "var",
        HOGATAR_TEST_FAULT="fail_first",
        HOGATAR_TEST_FAULT_MARKER=str(tmp_path / "failed-once"),
    )
    processes("worker", env, app="tests.integration.faulty_worker")
    processes("beat", env)
    rt = runtime_for(clean_db, clean_broker)
    [case_id] = assessed_cases(rt, 1)
    rt.publisher = WorkerFirst(rt.publisher, rt)

    event = handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w"))
    [row] = outbox_rows(rt, event.outbox_ids)
    assert row.status in ("pending", "done")  # the worker's outcome, not "published"
    wait_for(lambda: all_done(rt), timeout=30, what="the retry after its backoff")
    [row] = outbox_rows(rt, event.outbox_ids)
    assert row.attempts == 2
    assert ledger_counts(rt) == {event.outbox_ids[0]: 1}


def test_a_frozen_broker_holds_a_commit_only_as_long_as_the_publish_timeout(
    clean_db, clean_broker, runtime_for, processes, proxies, tmp_path
):
    """D3: a broker that accepts connections and never answers held every commit for
    5 s, whatever HOGATAR_PUBLISH_TIMEOUT_SECONDS said."""
    proxy = proxy_in_front_of(clean_broker)
    proxies.append(proxy)
    broker_url = proxy.url_for(clean_broker)
    rt = runtime_for(clean_db, broker_url, publish_timeout_seconds=0.5)
    [first, second] = assessed_cases(rt, 2)
    handle(rt, AdvanceCase(case_id=first, trigger="assess", actor="w"))  # connection is up

    proxy.freeze()
    started = time.monotonic()
    event = handle(rt, AdvanceCase(case_id=second, trigger="assess", actor="w"))
    waited = time.monotonic() - started
    assert event.to_state == "assessed"
    assert waited < 1.5, f"the commit waited {waited:.2f} s for a frozen broker"
    [row] = outbox_rows(rt, event.outbox_ids)
    assert row.status == "pending"  # left to the sweep

    proxy.restore()
    env = service_env(clean_db, broker_url, tmp_path / "var")
    processes("worker", env)
    processes("beat", env)
    wait_for(lambda: all_done(rt), timeout=60, what="both effects once the broker answers")


def mail_keys(directory: Path) -> list[str]:
    """The key of every mail the server received (one entry per mail, repeats kept)."""
    keys = []
    for path in directory.glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        keys.append(str(message["X-Hogatar-Key"]))
    return keys


def test_a_worker_killed_after_the_mail_server_accepted_does_not_send_it_again(
    clean_db, clean_redis, runtime_for, processes, tmp_path
):
    """D4: the worker dies after the server accepted the mail and before the effect
    commits; the redelivered effect used to send the same Message-ID a second time."""
    port = free_port()
    mail_dir = tmp_path / "own-mail"
    env = service_env(
        clean_db,
        clean_redis,
        tmp_path / "var",
        HOGATAR_SMTP_PORT=str(port),
        HOGATAR_TEST_FAULT="kill_after_handler",
        HOGATAR_TEST_FAULT_EFFECT="referrals.send",
        HOGATAR_TEST_FAULT_MARKER=str(tmp_path / "killed"),
    )
    with serve("127.0.0.1", port, mail_dir):
        worker = processes("worker", env, app="tests.integration.faulty_worker")
        rt = runtime_for(clean_db, clean_redis, smtp_port=port)
        ensure_staff(rt)
        case_id = case_in(rt, "receiving_services")
        wait_for(lambda: all_done(rt), timeout=60, what="the transitions' own effects")
        created = handle(
            rt,
            CreateReferral(case_id=case_id, partner="kotayk_rights", purpose="x", actor="sw"),
        )
        worker.wait_for_log("SIGKILL", timeout=60)
        wait_for(
            lambda: referrals.list_referrals(rt, case_id=case_id)[-1]["status"] == "sent",
            timeout=60,
            what="the referral marked sent after the redelivery",
        )
        wait_for(lambda: all_done(rt), timeout=30, what="every effect done")
        time.sleep(1)
        keys = mail_keys(mail_dir)
        assert f"referral.{created.referral_id}" in {k.split(".", 2)[-1] for k in keys}
        assert sorted(set(keys)) == sorted(keys), f"a mail went out twice: {sorted(keys)}"
        assert "was handed over before, not sent again" in worker.log()


def test_a_killed_worker_s_effect_runs_again_within_about_a_minute(
    clean_db, clean_broker, runtime_for, processes, tmp_path
):
    """The default settings: a whole worker SIGKILLed mid-effect used to leave its message
    to Redis' visibility timeout (an hour) or the stale republish (15 minutes). RabbitMQ
    gives a dead consumer's unacknowledged messages back at once."""
    marker = tmp_path / "effect-started"
    env = service_env(clean_db, clean_broker, tmp_path / "var")
    hanging = processes(
        "worker",
        env | {"HOGATAR_TEST_FAULT": "hang_in_effect", "HOGATAR_TEST_FAULT_MARKER": str(marker)},
        app="tests.integration.faulty_worker",
    )
    rt = runtime_for(clean_db, clean_broker)
    [case_id] = assessed_cases(rt, 1)
    event = handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w"))
    wait_for(marker.exists, timeout=30, what="the effect to start")
    hanging.kill_group(signal.SIGKILL)
    hanging.popen.wait(timeout=10)
    killed = time.monotonic()
    assert queries.outbox_counts(rt)["done"] == 0

    processes("worker", env, name="replacement")
    wait_for(lambda: all_done(rt), timeout=120, what="the dead worker's effect")
    assert time.monotonic() - killed < (75 if clean_broker.startswith("redis") else 20)
    assert ledger_counts(rt) == {event.outbox_ids[0]: 1}


def test_a_live_worker_s_slow_effect_is_not_run_twice_when_its_message_comes_back(
    clean_db, clean_redis, runtime_for, processes, tmp_path
):
    """The message comes back after the visibility timeout while a live worker still
    runs the effect; the copy waits for the outbox row's lock, then finds the ledger."""
    runs = tmp_path / "runs"
    env = service_env(
        clean_db,
        clean_redis,
        tmp_path / "var",
        HOGATAR_BROKER_VISIBILITY_TIMEOUT="5",
        HOGATAR_BROKER_RESTORE_INTERVAL_SECONDS="1",
        HOGATAR_TEST_FAULT="slow_effect",
        HOGATAR_TEST_SLOW_SECONDS="12",
        HOGATAR_TEST_FAULT_MARKER=str(tmp_path / "slow-once"),
        HOGATAR_TEST_RUNS_FILE=str(runs),
    )
    worker = processes("worker", env, app="tests.integration.faulty_worker")
    rt = runtime_for(clean_db, clean_redis)
    [case_id] = assessed_cases(rt, 1)
    event = handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w"))
    # The copy came back while the first run slept, waited for the row lock and found
    # the ledger row: the handler itself ran once.
    worker.wait_for_log("'already_applied'", timeout=60)
    wait_for(lambda: all_done(rt), timeout=60, what="the slow effect")
    assert len(runs.read_text().splitlines()) == 1
    assert ledger_counts(rt) == {event.outbox_ids[0]: 1}
