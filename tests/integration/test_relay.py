"""Several relays at once on PostgreSQL: every row is published exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.support import RecordingPublisher
from workflow.commands import OpenCase
from workflow.persistence.models import OutboxRow
from workflow.relay import OutboxMessage, sweep_outbox
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
