"""Reading an upload (the page's form or the API's multipart body) into the command, and
saying the documents' own refusals in the reader's language.

Every field is checked, and the file staged (streamed into a temporary file, counted up
to the limit, its content checked), before the command runs: one answer names every
problem, and a refused upload leaves nothing behind."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from starlette.datastructures import UploadFile

from web.shared.i18n import N_, format_number, gettext
from web.shared.messages import field_message
from workflow.clock import local_day
from workflow.programme.documents import AddDocument, StagedFile, check_fields, document_store
from workflow.programme.shared.values import Collector, Problems, date_value, whole_number
from workflow.runtime import Runtime

CHUNK = 1024 * 1024

#: What a refused file is (workflow/programme/documents/content.py), as the pages say it.
WHAT_IT_IS = {
    "a Windows program (.exe)": N_("a Windows program (.exe)"),
    "a Linux program": N_("a Linux program"),
    "a macOS or Java program": N_("a macOS or Java program"),
    "a macOS program": N_("a macOS program"),
    "a script": N_("a script"),
    "a ZIP archive (or a Word, Excel or OpenDocument file)": N_(
        "a ZIP archive (or a Word, Excel or OpenDocument file)"
    ),
    "a RAR archive": N_("a RAR archive"),
    "a 7-Zip archive": N_("a 7-Zip archive"),
    "a gzip archive": N_("a gzip archive"),
    "an old Word or Excel file": N_("an old Word or Excel file"),
    "an RTF document": N_("an RTF document"),
    "a GIF image": N_("a GIF image"),
    "a BMP image": N_("a BMP image"),
    "a TIFF image": N_("a TIFF image"),
    "a web page or XML file": N_("a web page or XML file"),
    "an empty file": N_("an empty file"),
}
TYPE_NAMES = {
    "PDF": N_("PDF"),
    "JPEG image": N_("JPEG image"),
    "PNG image": N_("PNG image"),
    "HEIC image": N_("HEIC image"),
    "WebP image": N_("WebP image"),
}

DOCUMENT_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"^is larger than (?P<mb>[\d.]+) MB",
        N_("This file is larger than %(mb)s MB, the largest file accepted. Nothing was saved."),
    ),
    (
        r"^the file is (?P<what>.+), not one of the accepted types",
        N_("This file is %(what)s, not a PDF, JPEG, PNG, HEIC or WebP file. Nothing was saved."),
    ),
    (
        r"^the file is not one of the accepted types",
        N_("This file is not a PDF, JPEG, PNG, HEIC or WebP file. Nothing was saved."),
    ),
    (
        r"^the file is an? (?P<found>.+) but its name says (?P<said>.+)$",
        N_("This file is a %(found)s, but its name says %(said)s. Nothing was saved."),
    ),
    (r"^is required: choose the file", N_("Choose the file to attach.")),
    (
        r"^is required: this kind of document expires",
        N_("This kind of document expires: give its expiry date."),
    ),
    (
        r"does not expire: leave it empty",
        N_("This kind of document does not expire: leave the date empty."),
    ),
    (r"is in the past", N_("This date is in the past: the document has expired already.")),
    (
        r"is no longer a member of this family's household",
        N_("This person is no longer in the household."),
    ),
    (r"does not attach documents", N_("Your role does not attach documents.")),
)


def document_message(problem: str) -> str:
    for pattern, message in DOCUMENT_PATTERNS:
        found = re.search(pattern, problem)
        if not found:
            continue
        figures: dict[str, str] = {}
        for name, value in found.groupdict().items():
            if name == "what":
                figures[name] = gettext(WHAT_IT_IS[value]) if value in WHAT_IT_IS else value
            elif name in ("found", "said"):
                figures[name] = gettext(TYPE_NAMES[value]) if value in TYPE_NAMES else value
            else:
                figures[name] = value if "." in value else format_number(int(value))
        return gettext(message) % figures if figures else gettext(message)
    return field_message(problem)


def document_errors(exc: Problems) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(problem.field, []).append(document_message(problem.problem))
    return errors


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def _chunks(upload: UploadFile) -> Iterator[bytes]:
    upload.file.seek(0)
    while chunk := upload.file.read(CHUNK):
        yield chunk


def read_upload(
    rt: Runtime,
    values: Mapping[str, Any],
    upload: object,
    *,
    case_id: int,
    actor: str,
) -> AddDocument:
    """The command of an upload form, its file staged; ``Problems`` naming each field
    that is wrong (the file then is not kept)."""
    problems = Collector()
    expires_on = date_value(values.get("expires_on"), "expires_on", problems, not_after=None)
    member = _text(values.get("member_id")).strip()
    member_id = whole_number(member, "member_id", problems, minimum=1) if member else None
    check_fields(
        kind=_text(values.get("kind")),
        expires_on=expires_on,
        today=local_day(rt.clock.now()),
        problems=problems,
    )
    staged: StagedFile | None = None
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems.add("file", "is required: choose the file")
    else:
        try:
            staged = document_store(rt.settings).stage(
                _chunks(upload),
                original_name=upload.filename,
                max_bytes=rt.settings.document_max_bytes,
            )
        except Problems as exc:
            problems.extend(exc.problems)
    if problems.problems:
        if staged is not None:
            staged.discard()
        problems.check()
    assert staged is not None
    return AddDocument(
        case_id=case_id,
        kind=_text(values.get("kind")),
        staged=staged,
        member_id=member_id,
        expires_on=expires_on,
        actor=actor,
    )
