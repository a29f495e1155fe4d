"""Publishes outbox messages as Celery task messages: the task name is the effect,
the only argument is the outbox id."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import Celery
from kombu.exceptions import OperationalError

from workflow.relay import BrokerUnavailable, OutboxMessage

log = logging.getLogger(__name__)


class CeleryPublisher:
    def __init__(self, app: Celery) -> None:
        self.app = app

    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        sent: list[OutboxMessage] = []
        try:
            with self.app.producer_or_acquire() as producer:
                for message in messages:
                    # retry=False: the caller must not hang on a dead broker; the outbox
                    # row stays pending and the sweep publishes it later.
                    self.app.send_task(
                        message.effect,
                        args=[message.outbox_id],
                        queue=message.queue,
                        task_id=message.task_id,
                        producer=producer,
                        retry=False,
                    )
                    sent.append(message)
        except (OperationalError, ConnectionError, OSError) as exc:
            if not sent:
                raise BrokerUnavailable(str(exc)) from exc
            log.warning("broker failed after %d of %d messages: %s", len(sent), len(messages), exc)
        return sent
