"""Languages of the interface: Armenian (default) and English.

Every interface string goes through gettext (catalogs in ``web/translations``, made with
pybabel; see README). The language of a request is held in a context variable while its
page renders, so templates and Python code share one ``gettext``. Names that are data
(states, criteria, services, communities) carry both languages in config/ and the
database and are picked with ``label``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from workflow.clock import as_utc

LANGUAGES = ("hy", "en")
DEFAULT_LANGUAGE = "hy"
LANGUAGE_NAMES = {"hy": "Հայերեն", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"
#: Times are stored in UTC and shown in the programme's own time zone.
LOCAL_TIME = ZoneInfo("Asia/Yerevan")
DATE_PATTERNS = {"hy": "dd.MM.y", "en": "d MMM y"}

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def normalise_language(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()[:2]
    return value if value in LANGUAGES else None


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    """The compiled catalog; compiled from the .po in memory when the .mo is missing."""
    folder = TRANSLATIONS_DIR / language / "LC_MESSAGES"
    mo = folder / "messages.mo"
    if mo.exists():
        with mo.open("rb") as handle:
            return Translations(handle, domain="messages")
    with (folder / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def current_language() -> str:
    return _language.get()


@contextmanager
def use_language(language: str) -> Iterator[None]:
    token = _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def label(labels: Mapping[str, str], fallback: str = "") -> str:
    """The current language's entry of a {language: text} table from config or the DB."""
    return labels.get(current_language()) or labels.get("en") or fallback


@cache
def _locale(language: str) -> Locale:
    """Babel's locale, parsed once: given as a string, babel loads its data again for every
    value formatted (a case page formats a hundred dates: 4 % of drawing it)."""
    return Locale.parse(language)


def format_date(value: date | None) -> str:
    if value is None:
        return ""
    language = current_language()
    return babel_date(value, DATE_PATTERNS[language], locale=_locale(language))


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    language = current_language()
    return babel_datetime(
        as_utc(value),
        DATE_PATTERNS[language] + " HH:mm",
        tzinfo=LOCAL_TIME,
        locale=_locale(language),
    )


def format_iso_datetime(value: str | None) -> str:
    """A time the read side gives as ISO 8601 text (the work queues' queries, ``case_view``)."""
    return format_datetime(datetime.fromisoformat(value)) if value else ""


def format_iso_date(value: str | None) -> str:
    """A date the read side gives as ISO 8601 text."""
    return format_date(date.fromisoformat(value)) if value else ""


def format_number(value: int | float | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_locale(current_language()))


def format_money(value: int | None) -> str:
    """Whole dram with the language's grouping: 15 000 ֏ / 15,000 ֏."""
    if value is None:
        return ""
    return f"{format_decimal(value, locale=_locale(current_language()))} ֏"
