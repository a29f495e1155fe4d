"""Bar charts as SVG, drawn on the server: no chart library, readable without JS, and
each chart has its figures in a table beside it for screen readers and printing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from web.i18n import format_number, label
from web.reporting import Bar

ROW_H, LABEL_W, BAR_W, VALUE_W = 26, 260, 360, 110


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
