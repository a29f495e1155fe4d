"""What the relay hands the broker for one outbox row: its id and its queue, never
personal data. The unit of work collects these; the relay and the publish marks use them."""

from __future__ import annotations

from dataclasses import dataclass


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
