"""Documents in the browser: attaching one from the case page's form, and downloading
one by its id. The documents of a case are a section of its page
(``documents/section.html``, drawn by ``web.cases.pages``).

A refused upload comes back as the form alone, each problem beside its field and what
was typed kept (the file must be chosen again: browsers never refill a file field), with
422; the form carries a one-time token (``web.shared.once``), so Back and send again
attaches the document once. Downloads go through ``/documents/{id}``, never a path of
the store: the route reads the document through the reader's scoped session (a case
outside it answers 404) and logs the download."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from web.documents import forms as document_forms
from web.documents.reading import case_of, download, form_context
from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.messages import error_message
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput
from workflow.programme.documents import DocumentAdded
from workflow.programme.shared.values import Problems

router = APIRouter(include_in_schema=False)
#: Who works on cases attaches and opens documents (scoped access narrows which cases).
WORKS_ON_CASES = Depends(require(Permission.VIEW_CASES))


def _form(
    request: Request, *, case: dict[str, Any], values: dict[str, Any], error: InvalidInput
) -> Response:
    context = {
        "case": case,
        "values": values,
        **form_context(request, case["id"]),
        "errors": document_forms.document_errors(error) if isinstance(error, Problems) else {},
        "error": error_message(error),
    }
    return render(request, "documents/form.html", context, status_code=422)


@router.post("/cases/{case_id}/documents")
async def add_document(request: Request, case_id: int, staff: Staff = WORKS_ON_CASES) -> Response:
    rt = runtime(request)
    case = case_of(request, case_id)
    form = await request.form()
    values = forms.form_values(form)
    upload = form.get("file")

    def save() -> Response:
        try:
            command = document_forms.read_upload(
                rt, values, upload, case_id=case_id, actor=staff.username
            )
            try:
                result = services.handle(rt, command)
            finally:
                command.staged.discard()  # in the store now, or refused: never left staged
        except InvalidInput as exc:
            return _form(request, case=case, values=values, error=exc)
        assert isinstance(result, DocumentAdded)
        return RedirectResponse(
            f"/cases/{case_id}?msg=saved#document-{result.document_id}", status_code=303
        )

    return once.submit_once(rt, staff, values, save, fallback=f"/cases/{case_id}#documents")


@router.get("/documents/{document_id}")
def download_document(
    request: Request, document_id: int, staff: Staff = WORKS_ON_CASES
) -> Response:
    return download(request, staff, document_id)
