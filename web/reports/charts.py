"""Bar charts as SVG, drawn on the server: no chart library, readable without JS, and
each chart has its figures in a table beside it for screen readers and printing.

Labels are right-aligned against the bars and wrapped onto as many lines as they need
(Armenian names of criteria and budget lines are long). Their widths are measured with
the advance widths of the font the pages ship (``static/fonts/advances.json``, made from
the fonts), so no label runs off the left edge of the chart."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

from web.reports.reporting import Bar
from web.shared.i18n import format_money, format_number, label

ADVANCES = Path(__file__).resolve().parents[1] / "static" / "fonts" / "advances.json"
FONT_SIZE = 12
LINE_H, ROW_PAD, BAR_H = 15, 8, 18
LABEL_W, BAR_W, VALUE_W, GAP = 260, 360, 110, 8
#: Room for "1 250 000 ֏ / 6 000 000 ֏" beside a budget bar.
BUDGET_VALUE_W = 230
#: A label longer than this many lines ends in "…" (its whole text is in the bar's tooltip).
MAX_LINES = 4


@lru_cache(maxsize=1)
def _advances() -> dict[int, int]:
    table: dict[str, int] = json.loads(ADVANCES.read_text(encoding="utf-8"))
    return {int(code): width for code, width in table.items()}


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Width of ``text`` in the shipped font; a character it lacks counts as a full em."""
    advances = _advances()
    return sum(advances.get(ord(char), 1000) for char in text) * size / 1000


def wrap(text: str, width: float, *, max_lines: int = MAX_LINES) -> list[str]:
    """Words onto lines no wider than ``width``; a word too long for a line is cut."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate) <= width:
            lines[-1] = candidate
            continue
        while text_width(word) > width:
            cut = max((n for n in range(1, len(word)) if text_width(word[:n]) <= width), default=1)
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…") > width:
            last = last[:-1].rstrip()
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines or [""]


def _label(lines: list[str], y: float) -> str:
    """Right-aligned lines ending just before the bars, centred on ``y``."""
    first = y - (len(lines) - 1) * LINE_H / 2 + FONT_SIZE * 0.35
    spans = "".join(
        f'<tspan x="{LABEL_W - GAP}" y="{first + index * LINE_H:.1f}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text class="chart-label" font-size="{FONT_SIZE}" text-anchor="end">{spans}</text>'


def _rows(names: Sequence[str]) -> tuple[list[list[str]], list[float], int]:
    """Each label's lines, the middle of its row, and the chart's height."""
    wrapped = [wrap(name, LABEL_W - 2 * GAP) for name in names]
    middles, top = [], 4.0
    for lines in wrapped:
        row = max(BAR_H, len(lines) * LINE_H) + ROW_PAD
        middles.append(top + row / 2)
        top += row
    return wrapped, middles, int(top + 4)


def _open(width: int, height: int, title: str) -> str:
    quoted = escape(title, {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{quoted}"><title>{escape(title)}</title>'
    )


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    *,
    value: Callable[[Bar], int] = lambda bar: bar.value,
    show: Callable[[int], str] = format_number,
) -> Markup:
    top = max([value(bar) for bar in bars] + [1])
    names = [label(bar.labels, bar.code) for bar in bars]
    wrapped, middles, height = _rows(names)
    parts = [_open(LABEL_W + BAR_W + VALUE_W, height, title)]
    for bar, name, lines, middle in zip(bars, names, wrapped, middles, strict=True):
        length = BAR_W * value(bar) / top
        figure = escape(show(value(bar)))
        parts.append(
            _label(lines, middle)
            + f'<rect x="{LABEL_W}" y="{middle - BAR_H / 2:.1f}" width="{length:.1f}" '
            f'height="{BAR_H}" class="chart-bar"><title>{escape(name)}: {figure}</title></rect>'
            f'<text x="{LABEL_W + length + 6:.1f}" y="{middle + FONT_SIZE * 0.35:.1f}" '
            f'class="chart-value" font-size="{FONT_SIZE}">{figure}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def budget_chart(lines: Sequence[Mapping[str, Any]], title: str) -> Markup:
    """Each budget line as its whole budget (a pale bar) with what is committed drawn over
    it, and the figures beside: committed / budget. A line spent beyond its budget is drawn
    in the warning colour."""
    top = max([max(line["budget_amd"], line["committed_amd"]) for line in lines] + [1])
    names = [label(line["label"], line["budget_line"]) for line in lines]
    wrapped, middles, height = _rows(names)
    parts = [_open(LABEL_W + BAR_W + BUDGET_VALUE_W, height, title)]
    for line, name, name_lines, middle in zip(lines, names, wrapped, middles, strict=True):
        budget, committed = line["budget_amd"], line["committed_amd"]
        figures = escape(f"{format_money(committed)} / {format_money(budget)}")
        over = " over" if committed > budget else ""
        y = f"{middle - BAR_H / 2:.1f}"
        parts.append(
            _label(name_lines, middle)
            + f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W * budget / top:.1f}" '
            f'height="{BAR_H}" class="chart-budget"/>'
            f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W * committed / top:.1f}" '
            f'height="{BAR_H}" class="chart-bar{over}">'
            f"<title>{escape(name)}: {figures}</title></rect>"
            f'<text x="{LABEL_W + BAR_W + 6}" y="{middle + FONT_SIZE * 0.35:.1f}" '
            f'class="chart-value" font-size="{FONT_SIZE}">{figures}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
