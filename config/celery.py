"""Celery configuration: queues, delivery guarantees and the beat schedule."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab
from kombu.entity import Exchange, Queue

from config.queues import ALL_QUEUES, RELAY_QUEUE
from config.settings import Settings


def uses_amqp(broker_url: str) -> bool:
    """RabbitMQ (``amqp://`` or ``pyamqp://``) rather than Redis."""
    return broker_url.split("://", 1)[0] in ("amqp", "pyamqp")


def transport_options(settings: Settings) -> dict[str, Any]:
    timeout = settings.publish_timeout_seconds
    if uses_amqp(settings.broker_url):
        return {
            # Publisher confirms: a publish returns once RabbitMQ has the message (on disk
            # for a quorum queue), so "published" in the outbox means the broker holds it.
            "confirm_publish": True,
            "connect_timeout": timeout,
        }
    return {
        # An unacknowledged message comes back after this long (worker died hard).
        "visibility_timeout": settings.broker_visibility_timeout,
        "unacked_restore_interval": settings.broker_restore_interval_seconds,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": timeout,
        # Bounds every blocking socket operation, publishing included (a broker that
        # hangs holds a commit this long at most). Consumers read through the event
        # loop and kombu's health checks, so a short timeout does not disturb them.
        "socket_timeout": timeout,
    }


def queue(name: str, settings: Settings) -> Queue:
    if uses_amqp(settings.broker_url):
        # Quorum queues: replicated, durable, and they redeliver a dead consumer's
        # unacknowledged messages at once (no visibility timeout to wait for).
        return Queue(
            name,
            Exchange(name, "direct", durable=True),
            routing_key=name,
            durable=True,
            queue_arguments={"x-queue-type": "quorum"},
        )
    return Queue(name, Exchange(name, "direct"), routing_key=name)


def celery_config(settings: Settings) -> dict[str, Any]:
    timeout = settings.publish_timeout_seconds
    return {
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": timeout,
        "broker_transport_options": transport_options(settings),
        # Tasks carry outbox ids only, as JSON; nothing else is accepted.
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "result_backend": None,
        # Late acks: a message is acknowledged after the effect committed; a worker that
        # dies mid-effect leaves it to be redelivered, and the ledger keeps it exactly-once.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_queues": [queue(name, settings) for name in ALL_QUEUES],
        "task_default_queue": RELAY_QUEUE,
        "task_create_missing_queues": False,
        # Flower reads events: task names, states and runtimes for operators. The "sent"
        # event would cost every publish a second Redis round trip for a state Flower
        # shows anyway once the task is received; the outbox row says when it was queued.
        "worker_send_task_events": True,
        "task_send_sent_event": False,
        "worker_hijack_root_logger": False,
        "timezone": "UTC",
        "enable_utc": True,
        "beat_schedule": beat_schedule(settings),
    }


def beat_schedule(settings: Settings) -> dict[str, Any]:
    """What beat starts, and when. Every job is a sweep over rows with a due time, so a
    missed or doubled run changes nothing: the rows are claimed atomically."""
    # With a relay process, it publishes and republishes; beat's sweep stays as a slow
    # safety net for a relay that is not running (rows then go out within a minute).
    sweep = (
        settings.outbox_sweep_seconds
        if settings.relay == "inline"
        else max(settings.outbox_sweep_seconds, 60.0)
    )
    reminders = settings.reminder_sweep_seconds
    schedule: dict[str, Any] = {
        "outbox-sweep": {
            "task": "outbox.sweep",
            "schedule": sweep,
            # A sweep nobody ran in time is replaced by the next one; never let them pile up.
            "options": {"queue": RELAY_QUEUE, "expires": max(sweep * 2, 5.0)},
        },
        "reminders-sweep": {
            "task": "reminders.sweep",
            "schedule": reminders,
            "options": {"queue": "reminders", "expires": max(reminders, 5.0)},
        },
        "referral-deadlines": {
            "task": "referrals.deadlines",
            "schedule": crontab(minute=0),
            "options": {"queue": "referrals", "expires": 3000},
        },
        "procurement-consolidation": {
            "task": "procurement.consolidate",
            # Monday 06:00 in Yerevan (UTC+4, no daylight saving): beat runs in UTC.
            "schedule": crontab(day_of_week="mon", hour=2, minute=0),
            "options": {"queue": "procurement", "expires": 6 * 3600},
        },
    }
    if settings.retention_schedule_enabled:
        # 03:00 in Yerevan: anonymise cases past HOGATAR_RETENTION_YEARS, purge the old
        # access log. Each case is re-checked under its lock, so a doubled run is harmless.
        schedule["privacy-retention"] = {
            "task": "privacy.retention",
            "schedule": crontab(hour=23, minute=0),
            "options": {"queue": RELAY_QUEUE, "expires": 6 * 3600},
        }
    return schedule
