"""Bar charts as SVG, drawn on the server: no chart library, readable without JS, and
each chart has its figures in a table beside it for screen readers and printing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

from web.i18n import format_money, format_number, label
from web.reporting import Bar

ROW_H, LABEL_W, BAR_W, VALUE_W = 26, 260, 360, 110
#: Room for "1 250 000 ֏ / 6 000 000 ֏" beside a budget bar.
BUDGET_VALUE_W = 230


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    *,
    value: Callable[[Bar], int] = lambda bar: bar.value,
    show: Callable[[int], str] = format_number,
) -> Markup:
    top = max([value(bar) for bar in bars] + [1])
    height = ROW_H * max(len(bars), 1) + 8
    width = LABEL_W + BAR_W + VALUE_W
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_H
        length = BAR_W * value(bar) / top
        name = label(bar.labels, bar.code)
        shown = name if len(name) <= 34 else name[:33] + "…"
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 17}" class="chart-label">{escape(shown)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{length:.1f}" height="{ROW_H - 8}" '
            f'class="chart-bar"><title>{escape(name)}: {escape(show(value(bar)))}</title></rect>'
            f'<text x="{LABEL_W + length + 6:.1f}" y="{y + 17}" class="chart-value">'
            f"{escape(show(value(bar)))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def budget_chart(lines: Sequence[Mapping[str, Any]], title: str) -> Markup:
    """Each budget line as its whole budget (a pale bar) with what is committed drawn over
    it, and the figures beside: committed / budget. A line spent beyond its budget is drawn
    in the warning colour."""
    top = max([max(line["budget_amd"], line["committed_amd"]) for line in lines] + [1])
    height = ROW_H * max(len(lines), 1) + 8
    width = LABEL_W + BAR_W + BUDGET_VALUE_W
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, line in enumerate(lines):
        y = 4 + index * ROW_H
        budget, committed = line["budget_amd"], line["committed_amd"]
        name = label(line["label"], line["budget_line"])
        shown = name if len(name) <= 34 else name[:33] + "…"
        figures = f"{format_money(committed)} / {format_money(budget)}"
        over = " over" if committed > budget else ""
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 17}" class="chart-label">{escape(shown)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{BAR_W * budget / top:.1f}" '
            f'height="{ROW_H - 8}" class="chart-budget"/>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{BAR_W * committed / top:.1f}" '
            f'height="{ROW_H - 8}" class="chart-bar{over}">'
            f"<title>{escape(name)}: {escape(figures)}</title></rect>"
            f'<text x="{LABEL_W + BAR_W + 6}" y="{y + 17}" class="chart-value">'
            f"{escape(figures)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
