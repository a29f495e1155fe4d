"""The face of notes/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts).

Case notes: dated notes on a case by the staff who work on it, of a kind listed in
config/programme/notes.toml, optionally confidential (read only by their author, the
case's psychologist and the roles privacy.toml names), corrected by their author for a
while (the earlier text kept), never deleted."""

from workflow.programme.notes.commands import AddNote, CorrectNote, NoteSaved
from workflow.programme.notes.config import NoteRules, note_rules
from workflow.programme.notes.errors import NoteNotFound
from workflow.programme.notes.models import NoteRevisionRow, NoteRow
from workflow.programme.notes.queries import case_notes, note_of, reader_of, search_notes
from workflow.programme.notes.rules import NoteReader, check_note, may_read

__all__ = [
    "AddNote",
    "CorrectNote",
    "NoteNotFound",
    "NoteReader",
    "NoteRevisionRow",
    "NoteRow",
    "NoteRules",
    "NoteSaved",
    "case_notes",
    "check_note",
    "may_read",
    "note_of",
    "note_rules",
    "reader_of",
    "search_notes",
]
