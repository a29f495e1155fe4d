"""Case notes in the browser: writing one, correcting one's own, and searching the
notes of every case one may open. The notes of a case are a section of its page
(``notes/section.html``, drawn by ``web.cases.pages``).

A refused form comes back with each problem beside its field and what was typed kept
(422); every form carries a one-time token (``web.shared.once``), so Back and save again
writes the note once.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from web.notes import forms as note_forms
from web.notes.reading import case_of, readable_note, searched_notes
from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.lookups import staff_names, today
from web.shared.messages import error_message
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput
from workflow.programme.notes import NoteSaved, note_rules
from workflow.programme.shared.values import Problems

router = APIRouter(include_in_schema=False)
#: Who works on cases writes and reads notes (scoped access narrows which cases).
WORKS_ON_CASES = Depends(require(Permission.VIEW_CASES))


def _saved(result: Any) -> Response:
    assert isinstance(result, NoteSaved)
    return RedirectResponse(
        f"/cases/{result.case_id}?msg=saved#note-{result.note_id}", status_code=303
    )


def _form(
    request: Request,
    template: str,
    *,
    case: dict[str, Any],
    values: dict[str, Any],
    error: InvalidInput | None = None,
    note: dict[str, Any] | None = None,
) -> Response:
    context = {
        "case": case,
        "note": note,
        "values": values,
        "kinds": note_rules().kinds,
        "max_length": note_rules().max_length,
        "correction_hours": int(note_rules().correction_window.total_seconds() // 3600),
        "staff_names": staff_names(runtime(request)),
        "errors": note_forms.note_errors(error) if isinstance(error, Problems) else {},
        "error": error_message(error) if error is not None else None,
    }
    return render(request, template, context, status_code=422 if error else 200)


@router.get("/cases/{case_id}/notes/new")
def new_note(request: Request, case_id: int, staff: Staff = WORKS_ON_CASES) -> Response:
    values = {"noted_on": today(runtime(request)), "kind": note_rules().kinds[0].code}
    return _form(request, "notes/form.html", case=case_of(request, case_id), values=values)


@router.post("/cases/{case_id}/notes")
async def add_note(request: Request, case_id: int, staff: Staff = WORKS_ON_CASES) -> Response:
    rt = runtime(request)
    case = case_of(request, case_id)
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            command = note_forms.read_note(values, case_id=case_id, actor=staff.username)
            result = services.handle(rt, command)
        except InvalidInput as exc:
            return _form(request, "notes/form.html", case=case, values=values, error=exc)
        return _saved(result)

    return once.submit_once(rt, staff, values, save, fallback=f"/cases/{case_id}#notes")


@router.get("/cases/{case_id}/notes/{note_id}/correct")
def correction_form(
    request: Request, case_id: int, note_id: int, staff: Staff = WORKS_ON_CASES
) -> Response:
    note = readable_note(request, staff, case_id, note_id)
    return _form(
        request,
        "notes/correct.html",
        case=case_of(request, case_id),
        values={"text": note["text"]},
        note=note,
    )


@router.post("/cases/{case_id}/notes/{note_id}/correct")
async def correct_note(
    request: Request, case_id: int, note_id: int, staff: Staff = WORKS_ON_CASES
) -> Response:
    rt = runtime(request)
    note = readable_note(request, staff, case_id, note_id)
    case = case_of(request, case_id)
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            command = note_forms.read_correction(values, note_id=note_id, actor=staff.username)
            result = services.handle(rt, command)
        except InvalidInput as exc:
            return _form(
                request, "notes/correct.html", case=case, values=values, error=exc, note=note
            )
        return _saved(result)

    return once.submit_once(rt, staff, values, save, fallback=f"/cases/{case_id}#note-{note_id}")


@router.get("/notes")
def search(request: Request, staff: Staff = WORKS_ON_CASES) -> Response:
    """Notes whose text holds the words typed, newest first, each linked to its case."""
    words = (request.query_params.get("q") or "").strip()
    found = searched_notes(request, staff, words) if words else []
    context = {
        "q": words,
        "found": found,
        "staff_names": staff_names(runtime(request)),
    }
    return render(request, "notes/search.html", context)
