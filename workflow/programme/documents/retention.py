"""The documents of a case for the privacy feature (``privacy.DocumentStore``): their
files for the family's subject-access export, and their removal when the case is
anonymised. Registered by the composition root, so privacy/ never imports documents/.

Removing happens in the caller's transaction: the rows keep their kind, member and dates
(counted by reports) and lose their name and content; the files are unlinked only once
that transaction committed, and only when no other document holds the same content. A
rolled-back anonymisation leaves every file where it was."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from config.settings import Settings
from workflow.programme.documents.models import DocumentRow
from workflow.programme.documents.store import FileStore, document_store

#: Stands in for a removed name (as anonymisation's other fields: ``privacy.MARK``).
MARK = "—"
PENDING = "hogatar.documents.unlink"


class CaseDocuments:
    def __init__(self, settings: Settings) -> None:
        self.store: FileStore = document_store(settings)

    def _rows(self, session: Session, case_id: int) -> list[DocumentRow]:
        return list(
            session.scalars(
                select(DocumentRow)
                .where(DocumentRow.case_id == case_id, DocumentRow.sha256.is_not(None))
                .order_by(DocumentRow.id)
            )
        )

    def documents(self, session: Session, case_id: int) -> Iterable[tuple[str, bytes]]:
        """(``<id>-<name>``, content) of each document of the case still on file."""
        found = []
        for row in self._rows(session, case_id):
            assert row.sha256 is not None
            with self.store.open(row.sha256) as handle:
                found.append((f"{row.id}-{row.original_name}", handle.read()))
        return found

    def remove(self, session: Session, case_id: int) -> int:
        rows = self._rows(session, case_id)
        now_removed = session.info.setdefault(PENDING, set())
        for row in rows:
            assert row.sha256 is not None
            now_removed.add(row.sha256)
            row.sha256 = None
            row.original_name = MARK
        if rows:
            session.flush()
            self._after_commit(session)
        return len(rows)

    def _after_commit(self, session: Session) -> None:
        if session.info.get(PENDING + ".listening"):
            return
        session.info[PENDING + ".listening"] = True

        def unlink(committed: Session) -> None:
            shas: set[str] = committed.info.pop(PENDING, set())
            committed.info.pop(PENDING + ".listening", None)
            if shas:
                self._unlink_unreferenced(committed, shas)

        def forget(rolled_back: Any) -> None:
            rolled_back.info.pop(PENDING, None)
            rolled_back.info.pop(PENDING + ".listening", None)

        event.listen(session, "after_commit", unlink, once=True)
        event.listen(session, "after_soft_rollback", lambda s, _t: forget(s), once=True)

    def _unlink_unreferenced(self, session: Session, shas: set[str]) -> None:
        # After the commit: a new transaction, past any reader's scope (one file may be
        # shared by several cases' documents).
        with session.get_bind().engine.connect() as connection:
            held = set(
                connection.scalars(
                    select(DocumentRow.sha256).where(DocumentRow.sha256.in_(sorted(shas)))
                )
            )
        for sha256 in shas - held:
            self.store.remove(sha256)
