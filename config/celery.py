"""Celery configuration: queues, delivery guarantees and the beat schedule."""

from __future__ import annotations

from typing import Any

from kombu.entity import Exchange, Queue

from config.settings import Settings
from workflow.definition import EFFECT_QUEUES

RELAY_QUEUE = "relay"
ALL_QUEUES = (RELAY_QUEUE, *EFFECT_QUEUES)


def celery_config(settings: Settings) -> dict[str, Any]:
    timeout = settings.publish_timeout_seconds
    return {
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": timeout,
        "broker_transport_options": {
            # An unacknowledged message comes back after this long (worker died hard).
            "visibility_timeout": settings.broker_visibility_timeout,
            "unacked_restore_interval": settings.broker_restore_interval_seconds,
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": timeout,
            "socket_timeout": max(timeout, 5.0),
        },
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
        "task_queues": [
            Queue(name, Exchange(name, "direct"), routing_key=name) for name in ALL_QUEUES
        ],
        "task_default_queue": RELAY_QUEUE,
        "task_create_missing_queues": False,
        # Flower reads events: task names, states and runtimes for operators.
        "worker_send_task_events": True,
        "task_send_sent_event": True,
        "worker_hijack_root_logger": False,
        "timezone": "UTC",
        "enable_utc": True,
        "beat_schedule": beat_schedule(settings),
    }


def beat_schedule(settings: Settings) -> dict[str, Any]:
    sweep = settings.outbox_sweep_seconds
    return {
        "outbox-sweep": {
            "task": "outbox.sweep",
            "schedule": sweep,
            # A sweep nobody ran in time is replaced by the next one; never let them pile up.
            "options": {"queue": RELAY_QUEUE, "expires": max(sweep * 2, 5.0)},
        },
    }
