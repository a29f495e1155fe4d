"""The relay on PostgreSQL: several sweeps at once publish every row exactly once; marks
come in batches after the commit; pooled connections survive a server restart."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select, text, update

from tests.integration.netfaults import TcpProxy
from tests.support import RecordingPublisher, wait_for
from workflow.commands import OpenCase
from workflow.outbox import OutboxMessage
from workflow.persistence import database
from workflow.persistence.models import OutboxRow
from workflow.relay import publish_committed, sweep_outbox
from workflow.services import enqueue_effect, handle

pytestmark = [pytest.mark.postgres]


class SlowPublisher(RecordingPublisher):
    """Holds each batch a little, so that concurrent sweeps really overlap."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        time.sleep(0.05)
        with self._lock:
            return super().publish(messages)


def test_concurrent_sweeps_publish_each_row_once(clean_db, runtime_for):
    rt = runtime_for(clean_db, "redis://127.0.0.1:1/0", outbox_batch_size=7)  # broker unused
    rt.publisher = RecordingPublisher()
    rt.publisher.available = False  # the broker was down: everything stays pending
    case_id = handle(rt, OpenCase(actor="w", family_name="Ընտանիք", community="Արզնի")).case_id
    with rt.unit_of_work() as uow:  # twenty effects committed while the broker was down
        for number in range(20):
            enqueue_effect(
                rt,
                uow,
                case_id=case_id,
                event_id=None,
                effect="referrals.send",
                payload={"referral_id": number},
                now=rt.clock.now(),
            )
        uow.commit()
    with rt.session_factory.begin() as session:  # as if committed a minute ago
        session.execute(
            update(OutboxRow).values(created_at=OutboxRow.created_at - timedelta(minutes=1))
        )

    publisher = SlowPublisher()
    barrier = threading.Barrier(4)

    def relay() -> None:
        barrier.wait()
        while sweep_outbox(
            publisher=publisher,
            session_factory=rt.session_factory,
            clock=rt.clock,
            policy=rt.relay_policy,
        ):
            pass

    threads = [threading.Thread(target=relay) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    counts = Counter(message.outbox_id for message in publisher.sent)
    assert len(counts) == 20
    assert set(counts.values()) == {1}


def test_published_rows_are_marked_in_a_batch_after_the_commit(clean_db, runtime_for):
    """One transaction per transition: the mark comes later, from the batch thread."""
    rt = runtime_for(clean_db, "redis://127.0.0.1:1/0")  # broker unused
    rt.publisher = RecordingPublisher()
    assert rt.publish_marks is not None
    case_id = handle(rt, OpenCase(actor="w", family_name="Ընտանիք", community="Արզնի")).case_id
    ids = []
    for number in range(5):
        with rt.unit_of_work() as uow:
            row = enqueue_effect(
                rt,
                uow,
                case_id=case_id,
                event_id=None,
                effect="referrals.send",
                payload={"referral_id": number},
                now=rt.clock.now(),
            )
            uow.commit()
        publish_committed(
            messages=uow.committed_messages,
            publisher=rt.publisher,
            session_factory=rt.session_factory,
            clock=rt.clock,
            marks=rt.publish_marks,
        )
        ids.append(row.outbox_id)

    def statuses() -> set[str]:
        with rt.session_factory() as session:
            return set(session.scalars(select(OutboxRow.status).where(OutboxRow.id.in_(ids))))

    wait_for(lambda: statuses() == {"published"}, timeout=10, what="the batched marks")
    with rt.session_factory() as session:
        task_ids = set(session.scalars(select(OutboxRow.task_id).where(OutboxRow.id.in_(ids))))
    assert task_ids == {f"outbox-{i}" for i in ids}


def test_a_connection_broken_while_idle_in_the_pool_is_replaced_unnoticed(
    clean_db, runtime_for, monkeypatch
):
    """No pre-ping per checkout: an idle connection is pinged, a dead one replaced, so a
    PostgreSQL restart costs the next request nothing."""
    parsed = urlparse(clean_db)
    proxy = TcpProxy(parsed.hostname or "127.0.0.1", parsed.port or 5432)
    try:
        rt = runtime_for(proxy.url_for(clean_db), "redis://127.0.0.1:1/0")
        with rt.session_factory() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
        proxy.cut()  # the pooled connection dies while idle (as in a restart)
        proxy.restore()
        monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
        with rt.session_factory() as session:
            assert session.execute(text("SELECT 2")).scalar() == 2
    finally:
        proxy.close()


def test_the_apps_connections_run_without_jit(clean_db, runtime_for):
    """Short queries only: JIT compiling cost the filtered caseload at a million cases
    200 of its 430 ms."""
    rt = runtime_for(clean_db, "redis://127.0.0.1:1/0")
    with rt.engine.connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar() == "off"
