"""The report charts keep every label and figure inside the SVG: measured with the real
advance widths of the fonts the pages ship, in both languages, with the programme's own
long names (criteria, services, budget lines) and longer ones."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from fontTools.ttLib import TTFont

from tests.support import ROOT
from web.reports.charts import ADVANCES, bar_chart, budget_chart
from web.reports.reporting import Bar
from web.shared.i18n import LANGUAGES, use_language
from workflow.programme.shared.policies import policies
from workflow.programme.shared.reference import reference

FONTS = ROOT / "web" / "static" / "fonts"
SVG = "{http://www.w3.org/2000/svg}"
LONG = {
    "hy": "Հագուստ, դպրոցական պարագաներ, գրենական պիտույքներ և կենցաղային տեխնիկա "
    "բազմազավակ ընտանիքների երեխաների համար",
    "en": "Clothing, school supplies, stationery and household appliances for the "
    "children of large families",
}


def font_widths() -> dict[int, float]:
    """Advance width (em) of each character, from the shipped font that draws it."""
    widths: dict[int, float] = {}
    for name in ("NotoSansArmenian-Regular", "NotoSans-Regular", "NotoSansSymbols-Arrows"):
        font = TTFont(FONTS / f"{name}.woff2")
        per_em = font["head"].unitsPerEm
        for code, glyph in font.getBestCmap().items():
            widths.setdefault(code, font["hmtx"][glyph][0] / per_em)
    return widths


WIDTHS = font_widths()


def measured(text: str, size: float) -> float:
    return sum(WIDTHS[ord(char)] for char in text) * size


def texts(svg: str):
    """(anchor, x, y, line) for every line of text drawn, and the viewBox's size."""
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    drawn = []
    for text in root.iter(f"{SVG}text"):
        anchor = text.get("text-anchor") or (
            "end" if "chart-label" in text.get("class", "") else "start"
        )
        size = float(text.get("font-size") or 12)
        spans = list(text.iter(f"{SVG}tspan")) or [text]
        for span in spans:
            x = float(span.get("x") or text.get("x") or 0)
            y = float(span.get("y") or text.get("y") or 0)
            drawn.append((anchor, x, y, span.text or "", size, text.get("class", "")))
    return drawn, width, height


def assert_inside(svg: str) -> None:
    drawn, width, height = texts(svg)
    for anchor, x, y, line, size, _ in drawn:
        span = measured(line, size)
        left, right = (x - span, x) if anchor == "end" else (x, x + span)
        assert left >= 0 and right <= width, (line, left, right, width)
        assert size * 0.8 <= y <= height, (line, y, height)


def labels_of(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        " ".join(span.text or "" for span in text.iter(f"{SVG}tspan"))
        for text in root.iter(f"{SVG}text")
        if "chart-label" in text.get("class", "")
    ]


def programme_bars() -> list[Bar]:
    ref = reference()
    named = [ref.primary_criterion, *ref.additional_criteria]
    bars = [Bar(item.code, dict(item.labels), 3 + i) for i, item in enumerate(named)]
    bars += [Bar(code, dict(s.labels), 40 + i) for i, (code, s) in enumerate(ref.services.items())]
    return [*bars, Bar("long", LONG, 1)]


def budget_lines() -> list[dict]:
    lines = [
        {
            "budget_line": code,
            "label": dict(line.labels),
            "budget_amd": 6_000_000,
            "committed_amd": 1_250_000 * (i + 1),
        }
        for i, (code, line) in enumerate(policies().budget_lines.items())
    ]
    return [*lines, {"budget_line": "long", "label": LONG, "budget_amd": 1, "committed_amd": 2}]


@pytest.mark.parametrize("language", LANGUAGES)
def test_bar_chart_labels_and_figures_stay_inside_the_chart(language):
    bars = programme_bars()
    with use_language(language):
        svg = str(bar_chart(bars, "chart"))
    assert_inside(svg)
    # Every name is drawn whole (wrapped, not cut), the long one included.
    assert labels_of(svg) == [bar.labels[language] for bar in bars]


@pytest.mark.parametrize("language", LANGUAGES)
def test_budget_chart_labels_and_figures_stay_inside_the_chart(language):
    lines = budget_lines()
    with use_language(language):
        svg = str(budget_chart(lines, "budget"))
    assert_inside(svg)
    assert labels_of(svg) == [line["label"][language] for line in lines]
    assert "֏" in svg


def test_a_label_too_long_for_four_lines_ends_in_an_ellipsis_inside_the_chart():
    endless = Bar("endless", {"hy": " ".join(["Հագուստ"] * 60), "en": "x"}, 1)
    with use_language("hy"):
        svg = str(bar_chart([endless], "chart"))
    assert_inside(svg)
    (drawn,) = labels_of(svg)
    assert drawn.endswith("…") and drawn.count("Հագուստ") < 60


def test_the_width_table_is_the_shipped_fonts():
    table = {int(code): width for code, width in json.loads(ADVANCES.read_text()).items()}
    assert {ord("Հ"), ord("֏"), ord("a"), ord(" ")} <= set(table)
    for code, width in table.items():
        assert abs(width - WIDTHS[code] * 1000) <= 1, chr(code)
