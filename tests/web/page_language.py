"""What a reader of one language sees on a page: its visible text, and the words in it
that belong to the other language and are not data.

English pages may show Armenian only where it is data (a family's name, an address, a
note); Armenian pages may show Latin only where it is data, an identifier (a username, a
task id, an e-mail address, a URL) or one of a few codes (AMD, CSV, the brand)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.engine import Engine

from workflow.persistence.models import Base

#: Armenian letters and punctuation; not the dram sign (֏), the currency symbol of any page.
ARMENIAN = re.compile(r"[\u0531-\u058a\ufb13-\ufb17]+")
LATIN_WORD = re.compile(r"[A-Za-z]+")
WORD = re.compile(r"[\u0531-\u058fA-Za-z]+")
#: Latin that is at home on an Armenian page: codes and names the programme uses as such.
LATIN_CODES = frozenset(
    {"AMD", "CSV", "XLSX", "Hogatar", "Flower", "OpenAPI", "API", "Swagger"}
    # The file formats a document may be, named as everyone names them.
    | {"PDF", "JPEG", "PNG", "HEIC", "WebP"}
)
#: Identifiers: e-mail addresses, URLs, usernames and actors, task and file names.
IDENTIFIERS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|https?://\S+"
    r"|\b(?:system|cli|demo|test|web):[\w.:-]*"
    r"|\b[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+\b"
    r"|\boutbox-\d+\b"
    r"|\bhogatar(?: [a-z][a-z-]*)+"  # a command to type
)
#: A code as the database stores it (a state, a status, a closure reason): never data to
#: show as it is, so a page showing one raw is caught.
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIPPED = ("script", "style")
VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "area", "base", "col", "source"})


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.lang: str | None = None
        self.hidden = 0
        #: An open element marked as another language (the switcher's "English"): its tag
        #: and how many elements of that tag are open inside it.
        self.other: tuple[str, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if self.other:
            if tag == self.other[0]:
                self.other = (tag, self.other[1] + 1)
            return
        if tag != "html" and values.get("lang") not in (None, self.lang) and tag not in VOID:
            self.other = (tag, 1)
            return
        if tag in SKIPPED:
            self.hidden += 1
        self.texts.extend(values[name] or "" for name in VISIBLE_ATTRIBUTES if values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.texts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if self.other:
            if tag == self.other[0]:
                depth = self.other[1] - 1
                self.other = (tag, depth) if depth else None
            return
        if tag in SKIPPED and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.other and data.strip():
            self.texts.append(data.strip())


def visible_text(html: str) -> tuple[str | None, list[str]]:
    parser = VisibleText()
    parser.feed(html)
    return parser.lang, parser.texts


class DataText:
    """Every text the database holds that a page may show as it is, for one language:
    names, addresses, notes, reasons typed by staff. Columns holding a name in the other
    language (``name_hy`` on an English page) are not data there: the page must use the
    name in its own language."""

    def __init__(self, engine: Engine, language: str, names: Iterable[str] = ()) -> None:
        other = "_en" if language == "hy" else "_hy"
        values: set[str] = set(names)
        with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                columns = [
                    column
                    for column in table.columns
                    if isinstance(column.type, String | Text | JSON)
                    and not column.name.endswith(other)
                ]
                if not columns:
                    continue
                for row in connection.execute(select(*columns)):
                    for value in row:
                        values.update(_strings(value))
        # Each value under each of its words: a text is checked against the values that
        # share a word with it, not against all of them.
        self.by_word: dict[str, set[str]] = {}
        for value in values:
            if CODE.match(value):
                continue
            for word in WORD.findall(value):
                self.by_word.setdefault(word, set()).add(value)

    def strip(self, text: str) -> str:
        """The text without the data values it contains."""
        candidates = {v for word in WORD.findall(text) for v in self.by_word.get(word, ())}
        for value in sorted(candidates, key=len, reverse=True):
            if value in text:
                text = text.replace(value, " ")
        return text


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def foreign_words(html: str, language: str, data: DataText) -> list[str]:
    """The words of the other language on a page in ``language`` that are not data."""
    lang, texts = visible_text(html)
    # A fragment (an HTMX partial) has no <html>; it is swapped into a page that has one.
    found = [] if lang in (language, None) else [f'<html lang="{lang}">']
    for text in texts:
        if language == "en":
            if ARMENIAN.search(text):
                found.extend(f"{w} «{text[:80]}»" for w in ARMENIAN.findall(data.strip(text)))
            continue
        if not LATIN_WORD.search(text):
            continue
        rest = IDENTIFIERS.sub(" ", data.strip(text))
        found.extend(
            f"{word} «{text[:80]}»" for word in LATIN_WORD.findall(rest) if word not in LATIN_CODES
        )
    return found
