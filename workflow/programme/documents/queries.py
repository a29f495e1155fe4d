"""Documents as a reader may see them: a case's documents (newest first) and one
document's content. Reads are ORM selects, so scoped sessions keep them to the reader's
cases: a document of a case outside the reader's scope is not found, as its case is not.
Every download is announced (``FileAccessed``, kind ``download_document``) for the
access log, whichever door it came through."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from workflow.clock import as_utc, local_day
from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseRow
from workflow.programme.documents.config import document_rules, may_download
from workflow.programme.documents.errors import (
    DocumentFileMissing,
    DocumentNotFound,
    DocumentRemoved,
    DocumentRestricted,
)
from workflow.programme.documents.models import DocumentRow
from workflow.programme.documents.store import document_store, read_chunks
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.shared.access import FileAccessed, announce_access
from workflow.runtime import Runtime

#: The access log's kind of a download (workflow/programme/privacy ``DOWNLOAD_DOCUMENT``).
DOWNLOAD_DOCUMENT = "download_document"


@dataclass(frozen=True)
class DocumentReader:
    """Who reads: a staff member (username, role), or an operator (``cli:NAME``, role
    None), who opens every document as they read every field."""

    username: str
    role: str | None


def may_open(reader: DocumentReader, *, kind: str, uploaded_by: str) -> bool:
    """Whoever attached a document opens it; a sensitive one otherwise only the roles
    privacy.toml names."""
    return reader.username == uploaded_by or may_download(kind, reader.role)


def _view(
    row: DocumentRow, *, reader: DocumentReader, member: str | None, today: date
) -> dict[str, Any]:
    kind = document_rules().kind(row.kind)
    return {
        "id": row.id,
        "case_id": row.case_id,
        "kind": row.kind,
        "member_id": row.member_id,
        "member_name": member,
        "name": row.original_name,
        "content_type": row.content_type,
        "size_bytes": row.size_bytes,
        "expires_on": row.expires_on,
        "expired": row.expires_on is not None and row.expires_on < today,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": as_utc(row.uploaded_at),
        "removed": row.sha256 is None,
        "sensitive": bool(kind and kind.sensitive),
        "downloadable": row.sha256 is not None
        and may_open(reader, kind=row.kind, uploaded_by=row.uploaded_by),
    }


def case_documents(rt: Runtime, *, case_id: int, reader: DocumentReader) -> list[dict[str, Any]]:
    """The case's documents, newest first; an unknown case (or one outside the reader's
    scope) is not found."""
    with rt.session_factory() as session:
        if session.scalar(select(CaseRow.id).where(CaseRow.id == case_id)) is None:
            raise CaseNotFound(case_id)
        rows = session.execute(
            select(DocumentRow, MemberRow.full_name)
            .outerjoin(MemberRow, MemberRow.id == DocumentRow.member_id)
            .where(DocumentRow.case_id == case_id)
            .order_by(DocumentRow.uploaded_at.desc(), DocumentRow.id.desc())
        ).all()
        today = local_day(rt.clock.now())
        return [_view(row, reader=reader, member=name, today=today) for row, name in rows]


def document_of(rt: Runtime, *, document_id: int, reader: DocumentReader) -> dict[str, Any]:
    with rt.session_factory() as session:
        found = session.execute(
            select(DocumentRow, MemberRow.full_name)
            .outerjoin(MemberRow, MemberRow.id == DocumentRow.member_id)
            .where(DocumentRow.id == document_id)
        ).first()
        if found is None:
            raise DocumentNotFound(document_id)
        row, name = found
        return _view(row, reader=reader, member=name, today=local_day(rt.clock.now()))


@dataclass(frozen=True)
class Download:
    document: dict[str, Any]
    chunks: Iterator[bytes]


def open_document(
    rt: Runtime, *, document_id: int, reader: DocumentReader, source: str
) -> Download:
    """The document's content for ``reader``, logged as a download (who, when, from
    ``source``) before a byte is given out."""
    document = document_of(rt, document_id=document_id, reader=reader)
    if document["removed"]:
        raise DocumentRemoved(document_id)
    if not document["downloadable"]:
        raise DocumentRestricted(document_id, reader.role or "")
    with rt.session_factory() as session:
        sha256 = session.scalar(select(DocumentRow.sha256).where(DocumentRow.id == document_id))
    assert sha256 is not None
    try:
        handle = document_store(rt.settings).open(sha256)
    except FileNotFoundError:
        raise DocumentFileMissing(document_id) from None
    try:
        announce_access(
            rt,
            FileAccessed(
                actor=reader.username,
                kind=DOWNLOAD_DOCUMENT,
                source=source,
                case_id=document["case_id"],
                detail=f"document {document_id} ({document['kind']})",
            ),
        )
    except BaseException:
        handle.close()
        raise

    def chunks() -> Iterator[bytes]:
        with handle:
            yield from read_chunks(handle)

    return Download(document=document, chunks=chunks())


def case_members(rt: Runtime, case_id: int) -> list[dict[str, Any]]:
    """The household members a document may be about (those still in the household)."""
    with rt.session_factory() as session:
        rows = session.execute(
            select(MemberRow.id, MemberRow.full_name)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(FamilyRow.case_id == case_id, MemberRow.removed_at.is_(None))
            .order_by(MemberRow.id)
        ).all()
        return [{"id": member_id, "name": name} for member_id, name in rows]
