"""Every interface string is translated; templates hold no untranslated text; the
catalogs in the repository are compiled and current; data names have both languages."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from web.shared.i18n import LANGUAGES, TRANSLATIONS_DIR
from web.shared.templating import TEMPLATES_DIR, environment
from workflow.programme.shared.reference import reference

VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
#: Text that is the same in every language: symbols, separators.
ALLOWED = re.compile(r"^[\s\W\d]*$")


def catalog(language: str):
    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_every_armenian_msgid_is_translated():
    untranslated = [m.id for m in catalog("hy") if m.id and not m.string]
    assert untranslated == []
    fuzzy = [m.id for m in catalog("hy") if m.id and m.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogs_match_their_po(language):
    folder = TRANSLATIONS_DIR / language / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as handle:
        compiled = {_forms(m.id): _forms(m.string) for m in read_mo(handle) if m.id}
    expected = {
        _forms(m.id): _forms(m.string) for m in catalog(language) if m.id and any(_forms(m.string))
    }
    # An untranslated plural is compiled as its own English forms.
    compiled = {k: v for k, v in compiled.items() if k in expected or v != k}
    assert compiled == expected, "run pybabel compile -d web/translations"


def _forms(text):
    """A message's text, or its singular and plural forms as a tuple (the .mo reader
    gives plurals as lists, the .po reader as tuples)."""
    return text if isinstance(text, str) else tuple(text)


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_placeholders_survive_translation():
    for message in catalog("hy"):
        if not message.id or not any(_forms(message.string)):
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for form in (*ids, *strings):
            assert set(PLACEHOLDER.findall(form)) == wanted, message.id


class TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.texts.extend(value or "" for name, value in attrs if name in VISIBLE_ATTRIBUTES)


def literal_text(source: str) -> list[str]:
    """The template's own text: what is left outside {{ }}, {% %} and {# #} blocks."""
    env = environment()
    parts = [value for _, kind, value in env.lex(source) if kind == "data"]
    finder = TextFinder()
    finder.feed("".join(parts))
    return [t.strip() for t in finder.texts if not ALLOWED.match(t)]


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES_DIR)) for p in TEMPLATES_DIR.rglob("*.html"))
)
def test_no_template_has_untranslated_text(template):
    source = (TEMPLATES_DIR / template).read_text(encoding="utf-8")
    assert literal_text(source) == []


def test_the_check_would_catch_literal_text():
    assert literal_text("<p>Save</p>") == ["Save"]
    assert literal_text('<input placeholder="Name">') == ["Name"]
    assert literal_text("<p>{{ _('Save') }} · #{{ id }}</p>") == []


def test_criteria_services_and_lists_have_armenian_and_english_names():
    ref = reference()
    items = [ref.primary_criterion, *ref.additional_criteria, *ref.closure_reasons]
    items += [*ref.member_roles, *ref.staff_roles, *ref.partner_types, *ref.income_kinds]
    for item in items:
        assert item.labels.get("hy") and item.labels.get("en"), item.code
    for service in ref.services.values():
        assert service.labels.get("hy") and service.labels.get("en"), service.code
    for code, labels in ref.categories.items():
        assert labels.get("hy") and labels.get("en"), code


def test_workflow_states_have_both_languages(rt):
    for definition in rt.definitions.values():
        for state in definition.states:
            assert state.labels.get("hy") and state.labels.get("en"), state.name


def test_mo_compiles_from_po():
    buffer = io.BytesIO()
    write_mo(buffer, catalog("hy"))
    assert buffer.getvalue()
