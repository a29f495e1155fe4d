"""Unit of work: one session, one transaction, committed explicitly or rolled back.

Outbox messages written in the transaction are collected and handed to the relay only
after the commit succeeded, so the broker never hears of work the database does not hold.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from workflow.outbox import OutboxMessage


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self.committed_messages: list[OutboxMessage] = []
        self._pending_messages: list[OutboxMessage] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.session.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Whatever was not committed is undone: an error leaves the database as it was.
        self.session.rollback()
        self.session.close()

    def add_messages(self, messages: list[OutboxMessage]) -> None:
        self._pending_messages.extend(messages)

    def commit(self) -> None:
        self.session.commit()
        self.committed_messages.extend(self._pending_messages)
        self._pending_messages.clear()
