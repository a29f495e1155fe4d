"""What the relay hands the broker for one outbox row: its id and its queue, never
personal data. The unit of work collects these; the relay and the publish marks use them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The PostgreSQL channel a transaction that writes outbox rows notifies, and ``hogatar
#: relay`` listens on (with ``HOGATAR_RELAY=process``).
RELAY_CHANNEL = "hogatar_outbox"


@dataclass(frozen=True)
class OutboxMessage:
    """What goes to the broker: an outbox id and where to route it. Never personal data."""

    outbox_id: int
    effect: str
    queue: str
    #: The row's attempts when it was queued or claimed for publishing: the publish mark
    #: applies only if the row is still as the publisher saw it (see ``_mark_published``).
    attempts: int = 0

    @property
    def task_id(self) -> str:
        # Stable, so an operator can go from an outbox row to its task in Flower.
        return f"outbox-{self.outbox_id}"


def message_batches(
    messages: Sequence[OutboxMessage],
    *,
    per_message: int,
    spread: int = 1,
) -> list[list[OutboxMessage]]:
    """Group outbox rows into broker messages: rows of one effect (one task, one queue)
    share a message, at most ``per_message`` of them, in the order they came.

    ``spread`` is how many worker processes should get a share of a backlog: a batch is
    cut into at least that many messages (when it has that many rows), so that one
    process does not work through 20 effects while another waits.
    """
    by_task: dict[tuple[str, str], list[OutboxMessage]] = {}
    for message in messages:
        by_task.setdefault((message.effect, message.queue), []).append(message)
    batches: list[list[OutboxMessage]] = []
    for rows in by_task.values():
        count = max(-(-len(rows) // per_message), min(len(rows), spread))
        size = -(-len(rows) // count)
        batches.extend(rows[start : start + size] for start in range(0, len(rows), size))
    return batches
