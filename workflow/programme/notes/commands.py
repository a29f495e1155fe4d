"""Writing and correcting a case note, and what each answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AddNote:
    case_id: int
    kind: str
    noted_on: date
    text: str
    actor: str
    confidential: bool = False


@dataclass(frozen=True)
class CorrectNote:
    """Only the text is corrected; the earlier text is kept in the note's history."""

    note_id: int
    text: str
    actor: str


@dataclass(frozen=True)
class NoteSaved:
    case_id: int
    note_id: int
    #: The case's version after the timeline entry.
    version: int
