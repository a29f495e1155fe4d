"""The rules of case notes that are data (``config/programme/notes.toml``): the kinds a
note may be, how long its author may correct it, and its longest text. Read and checked
once; start-up stops on a bad file, naming what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from workflow.programme.shared.reference import (
    PROGRAMME_DIR,
    Item,
    ReferenceDataError,
    _items,
    _read,
    codes,
)

NAME = "notes.toml"


@dataclass(frozen=True)
class NoteRules:
    kinds: tuple[Item, ...]
    #: How long after writing it the author may still correct a note.
    correction_window: timedelta
    max_length: int

    def kind_codes(self) -> list[str]:
        return codes(self.kinds)


def _positive(value: object, key: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ReferenceDataError(f"{NAME}: {key} must be a whole number above 0 (got {value!r})")
    return value


def load_note_rules(directory: Path = PROGRAMME_DIR) -> NoteRules:
    raw = _read(directory, NAME)
    return NoteRules(
        kinds=_items(raw, "kinds", NAME),
        correction_window=timedelta(
            hours=_positive(raw.get("correction_hours"), "correction_hours", 24)
        ),
        max_length=_positive(raw.get("max_length"), "max_length", 10_000),
    )


@lru_cache(maxsize=1)
def note_rules() -> NoteRules:
    return load_note_rules()
