"""The JSON API of case notes: a case's notes (a confidential one without its text and
history for those who may not read it), writing one, correcting one's own, and a search
of the notes' text. Refusals are problem details naming the field (422)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from web.notes import forms as note_forms
from web.notes.reading import case_of, reader_for, searched_notes
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from workflow import services
from workflow.programme.notes import NoteNotFound, NoteSaved, case_notes, note_of
from workflow.programme.privacy import VIEW_CASE, record_access

router = APIRouter()
WORKS_ON_CASES = Depends(require(Permission.VIEW_CASES))
NOTES: list[str | Enum] = ["notes"]


class NoteBody(BaseModel):
    kind: str | None = Field(
        default=None, examples=["phone_call"], description="A kind of config/programme/notes.toml."
    )
    noted_on: str | None = Field(
        default=None, examples=["2026-12-01"], description="The day the note is about."
    )
    text: str | None = Field(default=None, examples=["Մայրը զանգահարեց դպրոցից"])
    confidential: bool = Field(
        default=False,
        description="Read only by its author, the case's psychologist and the roles "
        "privacy.toml names; others see that it exists.",
    )


class CorrectionBody(BaseModel):
    text: str | None = Field(default=None, description="The corrected text.")


def _json(note: dict[str, Any]) -> dict[str, Any]:
    def iso(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else value

    return {
        **{key: iso(value) for key, value in note.items() if key != "history"},
        "history": [{key: iso(value) for key, value in h.items()} for h in note["history"]],
    }


def _saved(event: Any, status: int) -> JSONResponse:
    assert isinstance(event, NoteSaved)
    body = {"case_id": event.case_id, "note_id": event.note_id, "version": event.version}
    return JSONResponse(body, status_code=status)


@router.get("/cases/{case_id}/notes", tags=NOTES, summary="A case's notes, newest first")
def list_notes(request: Request, case_id: int, staff: Staff = WORKS_ON_CASES) -> JSONResponse:
    case_of(request, case_id)  # an unknown case is a 404, not an empty list
    notes = case_notes(runtime(request), case_id=case_id, reader=reader_for(staff))
    answer = JSONResponse([_json(note) for note in notes])
    # Part of the family's file, so in the access log as the case file read by the API is.
    record_access(
        runtime(request),
        actor=staff.username,
        kind=VIEW_CASE,
        source=request.client.host if request.client else "unknown",
        case_id=case_id,
        detail="notes",
    )
    return answer


@router.post("/cases/{case_id}/notes", status_code=201, tags=NOTES, summary="Write a note")
def add_note(
    request: Request, case_id: int, body: NoteBody, staff: Staff = WORKS_ON_CASES
) -> JSONResponse:
    command = note_forms.read_note(body.model_dump(), case_id=case_id, actor=staff.username)
    return _saved(services.handle(runtime(request), command), 201)


@router.post(
    "/cases/{case_id}/notes/{note_id}/corrections",
    tags=NOTES,
    summary="Correct your own note's text (within the hours notes.toml allows)",
)
def correct_note(
    request: Request,
    case_id: int,
    note_id: int,
    body: CorrectionBody,
    staff: Staff = WORKS_ON_CASES,
) -> JSONResponse:
    found = note_of(runtime(request), note_id=note_id, reader=reader_for(staff))
    if found is None or found["case_id"] != case_id:
        raise NoteNotFound(note_id)
    command = note_forms.read_correction(body.model_dump(), note_id=note_id, actor=staff.username)
    return _saved(services.handle(runtime(request), command), 200)


@router.get("/notes", tags=NOTES, summary="Notes of every case whose text holds the words q")
def search(request: Request, q: str = "", staff: Staff = WORKS_ON_CASES) -> JSONResponse:
    found = searched_notes(request, staff, q)
    return JSONResponse([_json(note) for note in found])
