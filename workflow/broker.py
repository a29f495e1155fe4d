"""The Celery side of the relay: the Celery app of a runtime (its queues and
guarantees from config/celery.py) and the publisher that hands outbox ids to it.
The engine's default publisher; tasks/ builds its workers' app with it too."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

from celery import Celery
from kombu.connection import Connection
from kombu.exceptions import OperationalError

from config.celery import celery_config, uses_amqp
from config.settings import Settings
from workflow.outbox import OutboxMessage, message_batches
from workflow.relay import BrokerUnavailable


def make_celery(settings: Settings) -> Celery:
    app = Celery("hogatar")
    app.conf.update(celery_config(settings))
    return app


log = logging.getLogger(__name__)


def publisher_for(settings: Settings, app: Celery | None = None) -> CeleryPublisher:
    """The publisher of the settings: their timeout, batches and worker processes."""
    return CeleryPublisher(
        app or make_celery(settings),
        timeout=settings.publish_timeout_seconds,
        effects_per_message=settings.effects_per_message,
        spread=settings.worker_concurrency,
    )


class CeleryPublisher:
    def __init__(
        self,
        app: Celery,
        *,
        timeout: float | None = None,
        effects_per_message: int = 1,
        spread: int = 1,
    ) -> None:
        self.app = app
        self.timeout = timeout
        #: Rows of one effect sent as one message (``message_batches``).
        self.effects_per_message = effects_per_message
        self.spread = spread
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._producer: Any = None
        #: Queues declared on the current connection: Celery would declare the queue again
        #: on every publish (kombu skips the broker call, but binds a copy of the queue
        #: first: 5 % of a transition's CPU). A new producer (a new connection, after a
        #: failure dropped the old one) starts with none.
        self._declared: set[str] = set()
        self._pid = os.getpid()

    def _producer_for_publishing(self) -> Any:
        if self._pid != os.getpid():
            # Inherited across a fork: the socket belongs to the parent, never touch it.
            self._connection, self._producer, self._pid = None, None, os.getpid()
        if self._producer is None:
            self._declared = set()
            options: dict[str, Any] = {}
            if self.timeout is not None:
                if uses_amqp(self.app.conf.broker_url or ""):
                    bounded = {"read_timeout": self.timeout, "write_timeout": self.timeout}
                else:
                    bounded = {
                        "socket_timeout": self.timeout,
                        "socket_connect_timeout": self.timeout,
                    }
                options = {"connect_timeout": self.timeout, "transport_options": bounded}
            self._connection = self.app.connection_for_write(**options)
            self._producer = self.app.amqp.Producer(self._connection, auto_declare=False)
            _reuse_redis_client(self._producer.channel)
        return self._producer

    def _drop_connection(self) -> None:
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            try:
                # collect(), not close(): a graceful close talks to the broker, which
                # may be the one that hangs; this only frees the socket.
                connection.collect()
            except Exception:  # noqa: BLE001 - it is broken already; a new one comes next time
                log.debug("closing a failed broker connection", exc_info=True)

    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        sent: list[OutboxMessage] = []
        with self._lock:
            try:
                producer = self._producer_for_publishing()
                errors: tuple[type[BaseException], ...] = (
                    OperationalError,
                    ConnectionError,
                    OSError,
                    *_transport_errors(producer),
                )
            except (OperationalError, ConnectionError, OSError) as exc:
                self._drop_connection()
                raise BrokerUnavailable(str(exc)) from exc
            try:
                for batch in message_batches(
                    messages, per_message=self.effects_per_message, spread=self.spread
                ):
                    # retry=False: the caller must not hang on a dead broker; the outbox
                    # rows stay pending and the sweep publishes them later. The task id
                    # is the first row's, so Flower finds a row's task by "outbox-<id>".
                    queue = batch[0].queue
                    args = [message.outbox_id for message in batch]
                    self.app.send_task(
                        batch[0].effect,
                        args=args,
                        queue=queue,
                        task_id=batch[0].task_id,
                        producer=producer,
                        retry=False,
                        # None: Celery declares the queue (first use on this connection).
                        declare=[] if queue in self._declared else None,
                        # What Flower shows; Celery's saferepr of a list of ids costs more.
                        argsrepr=_shown(args),
                        kwargsrepr="{}",
                    )
                    self._declared.add(queue)
                    sent.extend(batch)
            except errors as exc:
                self._drop_connection()
                if not sent:
                    raise BrokerUnavailable(str(exc)) from exc
                log.warning(
                    "broker failed after %d of %d messages: %s", len(sent), len(messages), exc
                )
        return sent


def _shown(ids: list[int], limit: int = 1024) -> str:
    """The task's arguments as Flower lists them, cut at the length Celery's own
    ``saferepr`` keeps (``argsrepr_maxsize``)."""
    text = repr(ids)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _reuse_redis_client(channel: Any) -> None:
    """kombu's Redis channel builds a new ``redis.Redis`` for every publish (over the same
    connection pool), and redis-py rebuilds its table of response callbacks in each
    constructor: about a tenth of a transition's CPU. The channel is this publisher's
    alone and used under its lock, so one client serves every publish. Other transports
    have no ``_create_client`` and are left alone."""
    create = getattr(channel, "_create_client", None)
    if create is None or not callable(create):
        return
    client = create()

    def cached(asynchronous: bool = False) -> Any:
        return create(asynchronous=True) if asynchronous else client

    channel._create_client = cached


def _transport_errors(producer: Any) -> tuple[type[BaseException], ...]:
    connection = producer.connection
    return tuple(connection.connection_errors) + tuple(connection.channel_errors)
