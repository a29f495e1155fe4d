"""Who may read a confidential note, who may write notes at all, and whether a note may
still be corrected: plain rules, used by the service layer and every reader alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workflow.clock import as_utc, local_day
from workflow.programme.families import CONFIDENTIAL_NOTES, may_see
from workflow.programme.notes.config import note_rules
from workflow.programme.shared.values import Collector, text_value

#: Staff who work on cases write notes; a procurement officer sees goods, not families.
WRITER_ROLES = frozenset({"admin", "manager", "social_worker", "psychologist"})


@dataclass(frozen=True)
class NoteReader:
    """Who is reading: a staff member (username, role, staff id), or an operator at the
    command line (``cli:NAME``, role None), who reads every note as they read every field."""

    username: str
    role: str | None
    staff_id: int | None = None


def may_read(
    reader: NoteReader, *, confidential: bool, author: str, psychologist_id: int | None
) -> bool:
    """A confidential note: its author, the case's psychologist and the roles that
    privacy.toml's ``confidential_notes`` names (an operator too); any other note: all."""
    if not confidential or reader.role is None:
        return True
    if reader.username == author:
        return True
    if psychologist_id is not None and reader.staff_id == psychologist_id:
        return True
    return may_see(CONFIDENTIAL_NOTES, reader.role)


def correction_refused(
    *, actor: str, author: str, written_at: datetime, now: datetime
) -> str | None:
    """Why ``actor`` may not correct the note now, or None if they may."""
    if actor != author:
        return f"only its author ({author}) may correct this note; write a note of your own"
    window = note_rules().correction_window
    if as_utc(now) - as_utc(written_at) > window:
        hours = int(window.total_seconds() // 3600)
        return (
            f"the note was written more than {hours} hours ago and can no longer be corrected; "
            "write a new note instead"
        )
    return None


def may_correct(*, reader: NoteReader, author: str, written_at: datetime, now: datetime) -> bool:
    refusal = correction_refused(
        actor=reader.username, author=author, written_at=written_at, now=now
    )
    return refusal is None


def check_note(
    *,
    kind: object,
    text: object,
    noted_on: date | None,
    now: datetime | None,
    problems: Collector,
) -> str | None:
    """Check what a note says (its kind, text and day; a day after today is refused
    when ``now`` is given); returns the clean text."""
    rules = note_rules()
    if not isinstance(kind, str) or kind not in rules.kind_codes():
        shown = kind if isinstance(kind, str) and kind else "nothing"
        problems.add("kind", f"{shown!r} is not one of: {', '.join(rules.kind_codes())}")
    checked = check_text(text, problems)
    if noted_on is not None and now is not None and noted_on > local_day(now):
        problems.add("noted_on", f"{noted_on.isoformat()} is in the future")
    return checked


def check_text(text: object, problems: Collector) -> str | None:
    return text_value(text, "text", problems, required=True, max_length=note_rules().max_length)
