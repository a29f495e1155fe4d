"""Mail subjects and bodies in the recipient's language, from the TOML files in templates/.

Each file declares its placeholders, and loading checks that both languages use exactly
those, so a template cannot silently lose a value in one language. Placeholders are
``string.Template`` ones (``${case_number}``): unlike ``str.format`` they cannot reach into
the attributes of a value.

Mails name a case by its number, never a child or a family: a placeholder whose name points
at a family's personal data is refused when the templates load.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from string import Template
from types import MappingProxyType
from typing import Literal

from workflow.clock import ARMENIA_TIME
from workflow.notifications.errors import (
    MissingPlaceholder,
    TemplateDefinitionError,
    TemplateError,
    UnknownTemplate,
)

Language = Literal["hy", "en"]
LANGUAGES: tuple[Language, ...] = ("hy", "en")
DEFAULT_LANGUAGE: Language = "hy"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Words in a placeholder's name that would carry a family's personal data into a mail.
PERSONAL_DATA_WORDS = (
    "child",
    "family",
    "beneficiary",
    "parent",
    "mother",
    "father",
    "birth",
    "surname",
    "patronymic",
    "first_name",
    "last_name",
    "diagnosis",
    "passport",
)

# Armenia keeps UTC+4 all year (no daylight saving since 2012); times in mails are local.

_ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Texts:
    subject: Template
    body: Template


@dataclass(frozen=True)
class MailTemplate:
    name: str
    description: str
    recipient: str
    placeholders: frozenset[str]
    texts: Mapping[Language, Texts]


@dataclass(frozen=True)
class RenderedMail:
    template: str
    language: Language
    subject: str
    body: str


def language_of(value: str | None) -> Language:
    """The mail language for a recipient's preference: "en", "en-GB", "EN_us" give English;
    anything else, or nothing, gives Armenian, the programme's language."""
    primary = (value or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return "en" if primary == "en" else DEFAULT_LANGUAGE


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _template(path: Path, where: str, text: object) -> Template:
    if not isinstance(text, str) or not text.strip():
        raise TemplateDefinitionError(f"{path.name}: {where} must be non-empty text")
    template = Template(_nfc(text))
    if not template.is_valid():
        raise TemplateDefinitionError(
            f"{path.name}: {where} has a malformed placeholder (write $$ for a dollar sign)"
        )
    return template


def _load_one(path: Path) -> MailTemplate:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateDefinitionError(f"{path.name}: cannot be read: {exc}") from None
    name = path.stem
    declared = data.get("placeholders")
    if not isinstance(declared, list) or not all(isinstance(p, str) for p in declared):
        raise TemplateDefinitionError(f"{path.name}: 'placeholders' must be a list of names")
    placeholders = frozenset(declared)
    personal = sorted(
        p for p in placeholders if any(word in p.lower() for word in PERSONAL_DATA_WORDS)
    )
    if personal:
        raise TemplateDefinitionError(
            f"{path.name}: placeholders {', '.join(personal)} would put a family's personal "
            "data in a mail; refer to the case by its number"
        )
    texts: dict[Language, Texts] = {}
    for language in LANGUAGES:
        section = data.get(language)
        if not isinstance(section, dict):
            raise TemplateDefinitionError(f"{path.name}: the [{language}] section is missing")
        subject = _template(path, f"[{language}] subject", section.get("subject"))
        body = _template(path, f"[{language}] body", section.get("body"))
        if "\n" in subject.template.strip():
            raise TemplateDefinitionError(f"{path.name}: [{language}] subject must be one line")
        used = set(subject.get_identifiers()) | set(body.get_identifiers())
        if used != placeholders:
            problems = []
            if used - placeholders:
                problems.append(f"undeclared {', '.join(sorted(used - placeholders))}")
            if placeholders - used:
                problems.append(f"unused {', '.join(sorted(placeholders - used))}")
            raise TemplateDefinitionError(
                f"{path.name}: [{language}] placeholders differ from the declared ones: "
                + "; ".join(problems)
            )
        texts[language] = Texts(subject=Template(subject.template.strip()), body=body)
    return MailTemplate(
        name=name,
        description=str(data.get("description", "")),
        recipient=str(data.get("recipient", "")),
        placeholders=placeholders,
        texts=MappingProxyType(texts),
    )


def load_templates(directory: Path = TEMPLATES_DIR) -> Mapping[str, MailTemplate]:
    """Every ``*.toml`` in DIRECTORY, validated; raises TemplateDefinitionError."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise TemplateDefinitionError(f"no mail templates in {directory}")
    return MappingProxyType({path.stem: _load_one(path) for path in paths})


@lru_cache(maxsize=1)
def default_templates() -> Mapping[str, MailTemplate]:
    return load_templates()


def format_value(value: object, language: Language) -> str:
    """A placeholder's value as mail text: dates the way each language writes them, times
    in Armenian local time, text in NFC with plain newlines."""
    if isinstance(value, bool):  # a bool is an int, but "True" in a mail is a bug
        raise TypeError("a yes/no value")
    if isinstance(value, datetime):
        moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(ARMENIA_TIME)
        return f"{format_value(moment.date(), language)} {moment:%H:%M}"
    if isinstance(value, date):
        if language == "hy":
            return f"{value:%d.%m.%Y}"
        return f"{value.day} {_ENGLISH_MONTHS[value.month - 1]} {value.year}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _nfc(value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    raise TypeError(f"a {type(value).__name__}")


def render(
    name: str,
    values: Mapping[str, object],
    *,
    language: str | None = None,
    templates: Mapping[str, MailTemplate] | None = None,
) -> RenderedMail:
    """Subject and body of template NAME in LANGUAGE (Armenian unless English is asked for).

    Values may be text, whole numbers, dates or datetimes; values the template does not use
    are ignored. A missing or empty value raises MissingPlaceholder.
    """
    templates = default_templates() if templates is None else templates
    template = templates.get(name)
    if template is None:
        raise UnknownTemplate(name, sorted(templates))
    chosen = language_of(language)
    texts = template.texts[chosen]
    formatted: dict[str, str] = {}
    missing = []
    for placeholder in sorted(template.placeholders):
        value = values.get(placeholder)
        try:
            text = "" if value is None else format_value(value, chosen)
        except TypeError as exc:
            raise TemplateError(
                f"mail template {name!r}: {placeholder} must be text, a whole number or a "
                f"date, not {exc}"
            ) from None
        if not text:
            missing.append(placeholder)
        formatted[placeholder] = text
    if missing:
        raise MissingPlaceholder(name, missing)
    for placeholder in texts.subject.get_identifiers():
        if "\n" in formatted[placeholder]:
            raise TemplateError(
                f"mail template {name!r}: {placeholder} is used in the subject and must be one line"
            )
    body = texts.body.substitute(formatted).strip("\n") + "\n"
    return RenderedMail(
        template=name,
        language=chosen,
        subject=texts.subject.substitute(formatted),
        body=body,
    )
