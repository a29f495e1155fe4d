"""Refusals about case notes."""

from __future__ import annotations

from workflow.errors import NotFound


class NoteNotFound(NotFound):
    def __init__(self, note_id: int) -> None:
        super().__init__(f"note {note_id} does not exist")
