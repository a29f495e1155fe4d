"""Notes as a reader may see them: a case's notes (newest first) and a search of the
notes' text across the cases. A confidential note the reader may not read keeps its
date, author and kind and loses its text and history; a search never finds one by its
text. Reads are ORM selects, so scoped sessions keep them to the reader's cases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflow.clock import as_utc
from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseRow
from workflow.programme.families import CONFIDENTIAL_NOTES, FamilyRow, may_see
from workflow.programme.notes.models import NoteRevisionRow, NoteRow
from workflow.programme.notes.rules import NoteReader, may_correct, may_read
from workflow.programme.staff import staff_member
from workflow.runtime import Runtime
from workflow.text import search_key

#: A search shows this many notes at most, newest first; a longer word narrows it.
SEARCH_LIMIT = 100


def reader_of(session: Session, actor: str) -> NoteReader:
    """The reader a CLI ``--actor`` names: an operator (``cli:NAME``), or a staff member."""
    if ":" in actor:
        return NoteReader(username=actor, role=None)
    staff = staff_member(session, actor)
    return NoteReader(username=staff.username, role=staff.role, staff_id=staff.id)


def _view(
    note: NoteRow,
    *,
    reader: NoteReader,
    psychologist_id: int | None,
    history: list[NoteRevisionRow],
    now: Any,
) -> dict[str, Any]:
    readable = may_read(
        reader, confidential=note.confidential, author=note.author, psychologist_id=psychologist_id
    )
    return {
        "id": note.id,
        "case_id": note.case_id,
        "kind": note.kind,
        "noted_on": note.noted_on,
        "confidential": note.confidential,
        "author": note.author,
        "written_at": as_utc(note.written_at),
        "corrected_at": as_utc(note.corrected_at) if note.corrected_at else None,
        "corrections": note.corrections,
        "readable": readable,
        "text": note.text if readable else None,
        # The earlier texts, oldest first: for those who may read the note only.
        "history": [
            {
                "text": earlier.text,
                "written_at": as_utc(earlier.written_at),
                "replaced_at": as_utc(earlier.replaced_at),
                "replaced_by": earlier.replaced_by,
            }
            for earlier in history
        ]
        if readable
        else [],
        "correctable": may_correct(
            reader=reader, author=note.author, written_at=note.written_at, now=now
        ),
    }


def _psychologist(session: Session, case_id: int) -> int | None:
    return session.scalar(select(FamilyRow.psychologist_id).where(FamilyRow.case_id == case_id))


def case_notes(rt: Runtime, *, case_id: int, reader: NoteReader) -> list[dict[str, Any]]:
    """The case's notes, newest day first, each as ``reader`` may see it; an unknown
    case (or one outside the reader's scope) is not found."""
    with rt.session_factory() as session:
        if session.scalar(select(CaseRow.id).where(CaseRow.id == case_id)) is None:
            raise CaseNotFound(case_id)
        notes = list(
            session.scalars(
                select(NoteRow)
                .where(NoteRow.case_id == case_id)
                .order_by(NoteRow.noted_on.desc(), NoteRow.id.desc())
            )
        )
        history: dict[int, list[NoteRevisionRow]] = {}
        if notes:
            for earlier in session.scalars(
                select(NoteRevisionRow)
                .where(NoteRevisionRow.note_id.in_([n.id for n in notes]))
                .order_by(NoteRevisionRow.id)
            ):
                history.setdefault(earlier.note_id, []).append(earlier)
        psychologist_id = _psychologist(session, case_id)
        now = rt.clock.now()
        return [
            _view(
                note,
                reader=reader,
                psychologist_id=psychologist_id,
                history=history.get(note.id, []),
                now=now,
            )
            for note in notes
        ]


def note_of(rt: Runtime, *, note_id: int, reader: NoteReader) -> dict[str, Any] | None:
    with rt.session_factory() as session:
        note = session.get(NoteRow, note_id)
        if note is None:
            return None
        history = list(
            session.scalars(
                select(NoteRevisionRow)
                .where(NoteRevisionRow.note_id == note.id)
                .order_by(NoteRevisionRow.id)
            )
        )
        return _view(
            note,
            reader=reader,
            psychologist_id=_psychologist(session, note.case_id),
            history=history,
            now=rt.clock.now(),
        )


def _like(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_notes(rt: Runtime, *, query: str, reader: NoteReader) -> list[dict[str, Any]]:
    """Notes whose current text holds ``query`` (case and Unicode form ignored), newest
    first, with their case's name. A confidential note is searched only for those who
    may read it: the rule is in the query, so a match never betrays its text."""
    words = search_key(query)
    if not words:
        return []
    statement = (
        select(NoteRow, CaseRow.family_name, FamilyRow.psychologist_id)
        .join(CaseRow, CaseRow.id == NoteRow.case_id)
        .outerjoin(FamilyRow, FamilyRow.case_id == NoteRow.case_id)
        .where(NoteRow.search_text.like(_like(words), escape="\\"))
        .order_by(NoteRow.noted_on.desc(), NoteRow.id.desc())
        .limit(SEARCH_LIMIT)
    )
    if reader.role is not None and not may_see(CONFIDENTIAL_NOTES, reader.role):
        readable = [NoteRow.confidential.is_(False), NoteRow.author == reader.username]
        if reader.staff_id is not None:
            readable.append(FamilyRow.psychologist_id == reader.staff_id)
        statement = statement.where(or_(*readable))
    with rt.session_factory() as session:
        now = rt.clock.now()
        return [
            {
                **_view(note, reader=reader, psychologist_id=psychologist_id, history=[], now=now),
                "family_name": family_name or "",
            }
            for note, family_name, psychologist_id in session.execute(statement)
        ]
