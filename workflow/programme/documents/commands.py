"""Attaching a document, and what it answers. The file is staged first (streamed to a
temporary file, its size and content checked: ``store.DocumentStore.stage``); the
command carries the staged file, so the service never reads a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflow.programme.documents.store import StagedFile


@dataclass(frozen=True)
class AddDocument:
    case_id: int
    kind: str
    staged: StagedFile
    actor: str
    member_id: int | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class DocumentAdded:
    case_id: int
    document_id: int
    #: The case's version after the timeline entry.
    version: int
    #: The expiry reminder scheduled for it, if its kind expires.
    reminder_id: int | None = None
