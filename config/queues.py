"""The Celery queues: one per family of effects (an effect is named
``<queue>.<name>``), and the relay's. Definitions are checked against them; workers
and beat consume them."""

from __future__ import annotations

EFFECT_QUEUES = ("referrals", "reminders", "procurement")


RELAY_QUEUE = "relay"
ALL_QUEUES = (RELAY_QUEUE, *EFFECT_QUEUES)
