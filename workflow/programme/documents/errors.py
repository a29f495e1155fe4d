"""Refusals about documents."""

from __future__ import annotations

from workflow.errors import HogatarError, NotFound


class DocumentNotFound(NotFound):
    def __init__(self, document_id: int) -> None:
        super().__init__(f"document {document_id} does not exist")


class DocumentRestricted(HogatarError):
    """A sensitive kind of document (documents.toml) that the reader's role does not open."""

    def __init__(self, document_id: int, role: str) -> None:
        super().__init__(
            f"document {document_id} is of a sensitive kind that a "
            f"{role.replace('_', ' ')} does not open (privacy.toml [documents])"
        )
        self.document_id = document_id


class DocumentRemoved(NotFound):
    """The document's file was removed when its case was anonymised."""

    def __init__(self, document_id: int) -> None:
        super().__init__(f"document {document_id} was removed when its case was anonymised")


class DocumentFileMissing(HogatarError):
    """The row is there but the store has lost its file (a var directory not restored
    with the database): the operator's problem, not the reader's."""

    bad_input = False

    def __init__(self, document_id: int) -> None:
        super().__init__(
            f"document {document_id}'s file is missing from the document store "
            "(HOGATAR_DOCUMENT_DIR): restore it from the backup taken with the database"
        )
