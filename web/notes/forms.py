"""Reading a note form (the page's fields or the API's JSON), and saying the notes'
own refusals in the reader's language. The rules (kinds, length, the day, who corrects
and until when) are the service layer's; here only the day is read from what was typed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from web.shared.forms import read_flag
from web.shared.i18n import N_, format_number, gettext
from web.shared.messages import field_message
from workflow.programme.notes import AddNote, CorrectNote, check_note
from workflow.programme.shared.values import Collector, Problems, date_value

#: The notes' own problems (workflow/programme/notes/rules.py), as the pages say them.
NOTE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"^only its author",
        N_("Only the note's author may correct it. Write a note of your own instead."),
    ),
    (
        r"more than (?P<hours>\d+) hours ago",
        N_(
            "This note was written more than %(hours)s hours ago and can no longer be "
            "corrected. Write a new note instead."
        ),
    ),
    (r"^is the same as the note's text", N_("This is the note's text as it is: change it first.")),
    (r"does not write case notes", N_("Your role does not write case notes.")),
)


def note_message(problem: str) -> str:
    for pattern, message in NOTE_PATTERNS:
        found = re.search(pattern, problem)
        if found:
            figures = {name: format_number(int(value)) for name, value in found.groupdict().items()}
            return gettext(message) % figures if figures else gettext(message)
    return field_message(problem)


def note_errors(exc: Problems) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(problem.field, []).append(note_message(problem.problem))
    return errors


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def read_note(values: Mapping[str, Any], *, case_id: int, actor: str) -> AddNote:
    problems = Collector()
    noted_on = date_value(values.get("noted_on"), "noted_on", problems, required=True)
    confidential = read_flag(values, "confidential", problems)
    if problems.problems:
        # The day cannot be read: say what else is wrong too, in one answer.
        check_note(
            kind=values.get("kind"),
            text=values.get("text"),
            noted_on=None,
            now=None,
            problems=problems,
        )
        problems.check()
    assert noted_on is not None
    return AddNote(
        case_id=case_id,
        kind=_text(values.get("kind")),
        noted_on=noted_on,
        text=_text(values.get("text")),
        confidential=confidential,
        actor=actor,
    )


def read_correction(values: Mapping[str, Any], *, note_id: int, actor: str) -> CorrectNote:
    return CorrectNote(note_id=note_id, text=_text(values.get("text")), actor=actor)
