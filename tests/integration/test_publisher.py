"""The publisher against real brokers: what a message says of itself (Flower's view) and
that each queue is declared on a connection before its first message, once."""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis
from kombu import Connection

from workflow.broker import CeleryPublisher, make_celery
from workflow.outbox import OutboxMessage

pytestmark = [pytest.mark.redis]

EFFECT = "referrals.notify_partners"


def _messages(*ids: int) -> list[OutboxMessage]:
    return [OutboxMessage(outbox_id=i, effect=EFFECT, queue="referrals") for i in ids]


def _publisher(settings_for: Any, broker_url: str, **options: Any) -> CeleryPublisher:
    settings = settings_for("sqlite://", broker_url)
    return CeleryPublisher(make_celery(settings), timeout=2.0, **options)


def test_a_message_shows_its_outbox_ids_as_celery_would(settings_for, clean_redis):
    publisher = _publisher(settings_for, clean_redis, effects_per_message=3)
    assert publisher.publish(_messages(7, 8, 9)) == _messages(7, 8, 9)
    raw = redis.Redis.from_url(clean_redis).lpop("referrals")
    assert raw is not None
    headers = json.loads(raw)["headers"]
    assert (headers["task"], headers["id"]) == (EFFECT, "outbox-7")
    assert (headers["argsrepr"], headers["kwargsrepr"]) == ("[7, 8, 9]", "{}")


def test_a_long_batch_is_shown_cut_to_celerys_limit_of_1024_characters(settings_for, clean_redis):
    publisher = _publisher(settings_for, clean_redis, effects_per_message=500)
    ids = list(range(100_000, 100_500))
    publisher.publish(_messages(*ids))
    raw = redis.Redis.from_url(clean_redis).lpop("referrals")
    message = json.loads(raw)  # type: ignore[arg-type]
    shown = message["headers"]["argsrepr"]
    assert len(shown) == 1024 and shown.startswith("[100000, 100001") and shown.endswith("...")


def test_the_first_message_on_a_connection_declares_its_queue(settings_for, rabbitmq_url):
    # On RabbitMQ a message for a queue nobody declared is dropped: before any worker has
    # started, the publisher's own declaration is what keeps it. Declared once per
    # connection; a new connection (after a broker failure) declares again.
    publisher = _publisher(settings_for, rabbitmq_url)
    declared: list[str] = []
    original = publisher.app.amqp.send_task_message

    def spy(producer: Any, name: str, message: Any, **options: Any) -> Any:
        declared.append("declare" if options.get("declare") is None else "skip")
        return original(producer, name, message, **options)

    publisher.app.amqp.send_task_message = spy  # type: ignore[method-assign]
    publisher.publish(_messages(1))
    publisher.publish(_messages(2))
    publisher._drop_connection()
    publisher.publish(_messages(3))
    assert declared == ["declare", "skip", "declare"]
    with Connection(rabbitmq_url) as connection:
        queue = connection.SimpleQueue(publisher.app.amqp.queues["referrals"])
        bodies = [queue.get(timeout=5) for _ in range(3)]
        assert [body.headers["argsrepr"] for body in bodies] == ["[1]", "[2]", "[3]"]
        for body in bodies:
            body.ack()
        queue.close()
