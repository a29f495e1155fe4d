"""Writing a case note and correcting it. Each is one transaction: the note (or its
corrected text and the earlier one kept in its history) and the case's timeline entry,
which names the note, its kind and whether it is confidential, never its text: the
timeline is read by everyone who opens the case."""

from __future__ import annotations

from workflow.activity import require_actor
from workflow.programme.notes.commands import AddNote, CorrectNote, NoteSaved
from workflow.programme.notes.errors import NoteNotFound
from workflow.programme.notes.models import NoteRevisionRow, NoteRow
from workflow.programme.notes.rules import (
    WRITER_ROLES,
    check_note,
    check_text,
    correction_refused,
)
from workflow.programme.shared.cases import PLAN_WORKFLOWS, case_for_change, record_change
from workflow.programme.shared.values import Collector
from workflow.programme.staff import staff_member
from workflow.runtime import Runtime
from workflow.text import search_key
from workflow.unit_of_work import UnitOfWork


def _check_writer(uow: UnitOfWork, actor: str, problems: Collector) -> None:
    # An operator (cli:NAME) writes as the programme's administration does.
    if ":" in actor:
        return
    role = staff_member(uow.session, actor).role
    if role not in WRITER_ROLES:
        problems.add("actor", f"a {role.replace('_', ' ')} does not write case notes")


def add_note(rt: Runtime, uow: UnitOfWork, command: AddNote) -> NoteSaved:
    actor = require_actor(command.actor)
    now = rt.clock.now()
    problems = Collector()
    text = check_note(
        kind=command.kind, text=command.text, noted_on=command.noted_on, now=now, problems=problems
    )
    _check_writer(uow, actor, problems)
    problems.check()
    assert text is not None
    # Notes are written on a case whoever changed it meanwhile: no version to match.
    case = case_for_change(rt, uow, command.case_id, None, workflows=PLAN_WORKFLOWS)
    note = NoteRow(
        case_id=case.id,
        kind=command.kind,
        noted_on=command.noted_on,
        text=text,
        search_text=search_key(text),
        confidential=command.confidential,
        author=actor,
        written_at=now,
        corrected_at=None,
        corrections=0,
    )
    uow.session.add(note)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="add_note",
        actor=actor,
        data={
            "note_id": note.id,
            "kind": note.kind,
            "noted_on": note.noted_on.isoformat(),
            "confidential": note.confidential,
        },
    )
    uow.commit()
    return NoteSaved(case_id=case.id, note_id=note.id, version=version)


def correct_note(rt: Runtime, uow: UnitOfWork, command: CorrectNote) -> NoteSaved:
    actor = require_actor(command.actor)
    now = rt.clock.now()
    note = uow.session.get(NoteRow, command.note_id)
    if note is None:
        raise NoteNotFound(command.note_id)
    problems = Collector()
    refusal = correction_refused(
        actor=actor, author=note.author, written_at=note.written_at, now=now
    )
    if refusal is not None:
        problems.add("text", refusal)
    text = check_text(command.text, problems)
    if refusal is None and text is not None and text == note.text:
        problems.add("text", "is the same as the note's text: nothing to correct")
    problems.check()
    assert text is not None
    case = case_for_change(rt, uow, note.case_id, None, workflows=PLAN_WORKFLOWS)
    uow.session.add(
        NoteRevisionRow(
            note_id=note.id,
            case_id=note.case_id,
            text=note.text,
            written_at=note.corrected_at or note.written_at,
            replaced_at=now,
            replaced_by=actor,
        )
    )
    note.text = text
    note.search_text = search_key(text)
    note.corrected_at = now
    note.corrections += 1
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="correct_note",
        actor=actor,
        data={
            "note_id": note.id,
            "kind": note.kind,
            "confidential": note.confidential,
            "corrections": note.corrections,
        },
    )
    uow.commit()
    return NoteSaved(case_id=case.id, note_id=note.id, version=version)
