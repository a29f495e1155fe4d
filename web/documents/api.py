"""The JSON API of documents: a case's documents, attaching one (multipart/form-data:
``kind``, ``member_id``, ``expires_on``, ``file``), and a document's content. Refusals are
problem details naming the field (422); a document of a case outside the reader's scope
is not found (404), like its case."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.responses import JSONResponse, Response

from web.documents import forms as document_forms
from web.documents.reading import case_of, download, reader_for, source_of
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from workflow import services
from workflow.programme.documents import DocumentAdded, case_documents
from workflow.programme.privacy import VIEW_CASE, record_access

router = APIRouter()
WORKS_ON_CASES = Depends(require(Permission.VIEW_CASES))
DOCUMENTS: list[str | Enum] = ["documents"]


def _json(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in document.items()}


@router.get(
    "/cases/{case_id}/documents", tags=DOCUMENTS, summary="A case's documents, newest first"
)
def list_documents(request: Request, case_id: int, staff: Staff = WORKS_ON_CASES) -> JSONResponse:
    found = case_documents(runtime(request), case_id=case_id, reader=reader_for(staff))
    answer = JSONResponse([_json(document) for document in found])
    # Part of the family's file (names, whose), so in the access log as the case file is.
    record_access(
        runtime(request),
        actor=staff.username,
        kind=VIEW_CASE,
        source=source_of(request),
        case_id=case_id,
        detail="documents",
    )
    return answer


@router.post(
    "/cases/{case_id}/documents",
    status_code=201,
    tags=DOCUMENTS,
    summary="Attach a document (multipart/form-data)",
)
def add_document(
    request: Request,
    case_id: int,
    kind: str | None = Form(None, description="A kind of config/programme/documents.toml."),  # noqa: B008
    member_id: str | None = Form(None, description="The household member it is about."),  # noqa: B008
    expires_on: str | None = Form(None, description="Its expiry day, for kinds that expire."),  # noqa: B008
    file: UploadFile | None = File(None, description="A PDF, JPEG, PNG, HEIC or WebP file."),  # noqa: B008
    staff: Staff = WORKS_ON_CASES,
) -> JSONResponse:
    rt = runtime(request)
    case_of(request, case_id)  # an unknown case is a 404 before the file is read
    command = document_forms.read_upload(
        rt,
        {"kind": kind, "member_id": member_id, "expires_on": expires_on},
        file,
        case_id=case_id,
        actor=staff.username,
    )
    try:
        event = services.handle(rt, command)
    finally:
        command.staged.discard()
    assert isinstance(event, DocumentAdded)
    body = {
        "case_id": event.case_id,
        "document_id": event.document_id,
        "version": event.version,
        "reminder_id": event.reminder_id,
    }
    return JSONResponse(body, status_code=201)


@router.get(
    "/documents/{document_id}/content",
    tags=DOCUMENTS,
    summary="A document's content (logged in the access log as a download)",
)
def document_content(request: Request, document_id: int, staff: Staff = WORKS_ON_CASES) -> Response:
    return download(request, staff, document_id)
