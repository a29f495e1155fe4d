"""The notes as the logged-in member of staff may read them, for the case page's
section, the note pages and the API."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy import select

from web.shared.accounts import Staff
from web.shared.auth import require_login, runtime
from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseRow
from workflow.programme.notes import NoteNotFound, NoteReader, case_notes, note_of, search_notes
from workflow.programme.privacy import VIEW_CASE, record_access


def reader_for(staff: Staff) -> NoteReader:
    return NoteReader(username=staff.username, role=staff.role, staff_id=staff.id)


def notes_section(request: Request, case_id: int) -> list[dict[str, Any]]:
    """The case's notes for its page (the case page's ``notes``)."""
    return case_notes(runtime(request), case_id=case_id, reader=reader_for(require_login(request)))


def case_of(request: Request, case_id: int) -> dict[str, Any]:
    """The case a note page is about: its number, family name and whether it is closed."""
    rt = runtime(request)
    with rt.session_factory() as session:
        case = session.scalar(select(CaseRow).where(CaseRow.id == case_id))
        if case is None:
            raise CaseNotFound(case_id)
        return {
            "id": case.id,
            "family_name": case.family_name or "",
            "version": case.version,
            "final": rt.machine_of(case).definition.is_final(case.state),
        }


def readable_note(request: Request, staff: Staff, case_id: int, note_id: int) -> dict[str, Any]:
    """A note of this case that the reader may read; any other answers 404, so a
    confidential note's page does not confirm more than the case page shows."""
    note = note_of(runtime(request), note_id=note_id, reader=reader_for(staff))
    if note is None or note["case_id"] != case_id or not note["readable"]:
        raise NoteNotFound(note_id)
    return note


def searched_notes(request: Request, staff: Staff, words: str) -> list[dict[str, Any]]:
    """The notes holding ``words`` that the reader may open; each case whose notes are
    shown is in the access log, as its page would be."""
    rt = runtime(request)
    found = search_notes(rt, query=words, reader=reader_for(staff))
    for case_id in dict.fromkeys(note["case_id"] for note in found):
        record_access(
            rt,
            actor=staff.username,
            kind=VIEW_CASE,
            source=request.client.host if request.client else "unknown",
            case_id=case_id,
            detail="notes search",
        )
    return found
