"""The Celery configuration for each broker: what bounds a publish, what keeps a message."""

from __future__ import annotations

from config.celery import celery_config
from config.settings import Settings


def config_for(broker_url: str, **values: object) -> dict[str, object]:
    return celery_config(Settings(broker_url=broker_url, **values))  # type: ignore[arg-type]


def test_redis_publishes_are_bounded_by_the_publish_timeout_not_a_floor():
    config = config_for("redis://127.0.0.1:6379/0", publish_timeout_seconds=0.5)
    options = config["broker_transport_options"]
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.5
    assert options["visibility_timeout"] == 45  # a dead worker's messages within a minute


def test_rabbitmq_gets_quorum_queues_and_publisher_confirms():
    config = config_for("amqp://guest:guest@127.0.0.1:5672/hogatar")
    options = config["broker_transport_options"]
    assert options["confirm_publish"] is True
    assert "visibility_timeout" not in options and "socket_timeout" not in options
    queues = {queue.name: queue for queue in config["task_queues"]}
    assert set(queues) == {"relay", "referrals", "reminders", "procurement"}
    for queue in queues.values():
        assert queue.durable and queue.queue_arguments == {"x-queue-type": "quorum"}


def test_no_task_sent_event_on_the_publishing_path():
    assert config_for("redis://127.0.0.1:6379/0")["task_send_sent_event"] is False
