"""The documents as the logged-in member of staff may see them, for the case page's
section, the upload form and the API; and the download's answer (its headers)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from fastapi import Request
from sqlalchemy import select
from starlette.responses import StreamingResponse

from web.shared.accounts import Staff
from web.shared.auth import Forbidden, require_login, runtime
from web.shared.i18n import label
from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseRow
from workflow.programme.documents import (
    ACCEPTED,
    DocumentReader,
    Download,
    case_documents,
    case_members,
    document_of,
    document_rules,
    megabytes,
    open_document,
)
from workflow.programme.shared.cases import PLAN_WORKFLOWS


def reader_for(staff: Staff) -> DocumentReader:
    return DocumentReader(username=staff.username, role=staff.role)


def source_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def case_of(request: Request, case_id: int) -> dict[str, Any]:
    """The case an upload is about: its number, family name and whether it is closed."""
    rt = runtime(request)
    with rt.session_factory() as session:
        case = session.scalar(select(CaseRow).where(CaseRow.id == case_id))
        if case is None:
            raise CaseNotFound(case_id)
        return {
            "id": case.id,
            "family_name": case.family_name or "",
            "final": rt.machine_of(case).definition.is_final(case.state),
        }


def kind_label(code: str) -> str:
    found = document_rules().kind(code)
    return label(found.item.labels, code) if found else code.replace("_", " ")


def form_context(request: Request, case_id: int) -> dict[str, Any]:
    """What the upload form offers: the kinds (and which expire), the household, the limit."""
    rules = document_rules()
    max_bytes = runtime(request).settings.document_max_bytes
    return {
        "document_kinds": [(kind.code, label(kind.item.labels, kind.code)) for kind in rules.kinds],
        "expiring_kinds": [kind_label(kind.code) for kind in rules.kinds if kind.expires],
        "document_members": [
            (str(member["id"]), member["name"])
            for member in case_members(runtime(request), case_id)
        ],
        "document_max_mb": megabytes(max_bytes),
        "document_accept": ",".join(
            [*(ext for kind in ACCEPTED for ext in kind.extensions), "application/pdf", "image/*"]
        ),
    }


def documents_section(request: Request, case_id: int) -> dict[str, Any]:
    """The case page's documents section (``documents/section.html``); ``may_attach``:
    the case's workflow keeps documents (a family's or a foster family's case)."""
    staff = require_login(request)
    found = case_documents(runtime(request), case_id=case_id, reader=reader_for(staff))
    for document in found:
        document["kind_label"] = kind_label(document["kind"])
    with runtime(request).session_factory() as session:
        workflow = session.scalar(select(CaseRow.workflow).where(CaseRow.id == case_id))
    return {
        "documents": found,
        "may_attach": workflow in PLAN_WORKFLOWS,
        **form_context(request, case_id),
    }


def ascii_name(name: str) -> str:
    """The file name for browsers that read only ``filename=``: ASCII letters, digits
    and a few signs; everything else becomes ``_``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("._") or "document"
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension and not safe.lower().endswith("." + extension.lower()):
        safe = f"document.{re.sub(r'[^A-Za-z0-9]', '', extension)}"
    return safe[:120]


def download_answer(download: Download) -> StreamingResponse:
    """The file as an attachment, in its stored content type, never sniffed or cached."""
    document = download.document
    name = document["name"]
    disposition = f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name)}"
    return StreamingResponse(
        download.chunks,
        media_type=document["content_type"],
        headers={
            "Content-Disposition": disposition,
            "Content-Length": str(document["size_bytes"]),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def download(request: Request, staff: Staff, document_id: int) -> StreamingResponse:
    """A document of a case the reader may open (any other: 404, as its case); a
    sensitive kind their role may not open: 403, since the case page shows it exists."""
    rt = runtime(request)
    reader = reader_for(staff)
    document = document_of(rt, document_id=document_id, reader=reader)
    if not document["removed"] and not document["downloadable"]:
        raise Forbidden()
    return download_answer(
        open_document(rt, document_id=document_id, reader=reader, source=source_of(request))
    )
