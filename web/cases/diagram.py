"""The workflow drawn as SVG on the server, from its definition (no Graphviz, no JS).

A deterministic layout that suits case workflows: the open states in a row in the order
a case meets them (breadth-first from the initial state), final states in a row below.
Forward steps are straight arrows; other moves curve, and arrows that share a trigger
and a destination (close, from every open state) share one label.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

from web.shared import labels
from web.shared.i18n import gettext, label
from workflow.definition import WorkflowDefinition

BOX_W, BOX_H, GAP_X, ROW_GAP, MARGIN = 168, 52, 44, 86, 16
LINE_CHARS = 19


@dataclass(frozen=True)
class Box:
    x: float
    y: float

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2

    @property
    def cy(self) -> float:
        return self.y + BOX_H / 2


def state_order(definition: WorkflowDefinition) -> list[str]:
    seen = [definition.initial]
    queue = deque(seen)
    while queue:
        state = queue.popleft()
        for transition in definition.transitions:
            if state in transition.sources and transition.dest not in seen:
                seen.append(transition.dest)
                queue.append(transition.dest)
    return seen + [s for s in definition.state_names if s not in seen]


def layout(definition: WorkflowDefinition) -> tuple[dict[str, Box], float, float]:
    order = state_order(definition)
    finals = {s.name for s in definition.states if s.final}
    top = [s for s in order if s not in finals]
    bottom = [s for s in order if s in finals]
    width = MARGIN * 2 + max(len(top), len(bottom), 1) * (BOX_W + GAP_X) - GAP_X
    boxes: dict[str, Box] = {}
    for row, names in ((0, top), (1, bottom)):
        row_width = len(names) * (BOX_W + GAP_X) - GAP_X
        start = (width - row_width) / 2
        y = MARGIN + 22 + row * (BOX_H + ROW_GAP)
        for index, name in enumerate(names):
            boxes[name] = Box(start + index * (BOX_W + GAP_X), y)
    rows = 2 if bottom else 1
    height = MARGIN * 2 + 22 + rows * BOX_H + (rows - 1) * ROW_GAP + 26
    return boxes, width, height


def _lines(text: str) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > LINE_CHARS:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return lines[:3]


def _text(x: float, y: float, text: str, css: str) -> str:
    return f'<text x="{x:.0f}" y="{y:.0f}" class="{css}">{escape(text)}</text>'


def render_diagram(definition: WorkflowDefinition, current: str | None) -> Markup:
    boxes, width, height = layout(definition)
    # Outside the f-string: pybabel's extractor does not look inside one on Python 3.11.
    title = gettext("Workflow diagram")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'class="diagram" role="img" aria-labelledby="diagram-title">',
        f'<title id="diagram-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>',
    ]
    labelled: set[tuple[str, str]] = set()
    for transition in definition.transitions:
        name = labels.trigger_in(transition.trigger, definition)
        for source in transition.sources:
            path, label_at = _edge(boxes[source], boxes[transition.dest])
            parts.append(
                f'<path d="{path}" class="edge" marker-end="url(#arrow)">'
                f"<title>{escape(name)}</title></path>"
            )
            key = (transition.trigger, transition.dest)
            if label_at is not None and key not in labelled:
                labelled.add(key)
                parts.append(_text(label_at[0], label_at[1], name, "edge-label"))
    for state in definition.states:
        box = boxes[state.name]
        css = "state current" if state.name == current else "state"
        if state.final:
            css += " final"
        title = label(state.labels, state.name)
        current_attr = ' aria-current="step"' if state.name == current else ""
        parts.append(f'<g class="{css}"{current_attr}>')
        parts.append(
            f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="10"/>'
        )
        lines = _lines(title)
        first_y = box.cy - (len(lines) - 1) * 8 + 5
        for index, line in enumerate(lines):
            parts.append(_text(box.cx, first_y + index * 16, line, "state-label"))
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _edge(a: Box, b: Box) -> tuple[str, tuple[float, float] | None]:
    """The path from box a to box b, and where its label goes (None: no label)."""
    step = BOX_W + GAP_X
    if a.y == b.y and round(b.x - a.x) == step:  # the next step: straight arrow, no label
        return f"M{a.x + BOX_W:.0f},{a.cy:.0f} L{b.x - 2:.0f},{b.cy:.0f}", None
    if a.y == b.y:  # same row, not adjacent: arc over the row
        lift = a.y - 18 - abs(b.x - a.x) / step * 4
        path = (
            f"M{a.cx:.0f},{a.y:.0f} C{a.cx:.0f},{lift:.0f} {b.cx:.0f},{lift:.0f} "
            f"{b.cx:.0f},{b.y - 2:.0f}"
        )
        return path, ((a.cx + b.cx) / 2, lift + 4)
    if a.y < b.y:  # down to a final state
        path = (
            f"M{a.cx:.0f},{a.y + BOX_H:.0f} C{a.cx:.0f},{a.y + BOX_H + 40:.0f} "
            f"{b.cx:.0f},{b.y - 40:.0f} {b.cx:.0f},{b.y - 2:.0f}"
        )
        return path, (b.cx + BOX_W / 2 + 8, b.y - 14)
    # back up from a final state: leave from its left side, arrive under the target
    start_x, start_y = a.x, a.cy
    path = (
        f"M{start_x:.0f},{start_y:.0f} C{b.cx:.0f},{start_y:.0f} {b.cx:.0f},"
        f"{b.y + BOX_H + 50:.0f} {b.cx:.0f},{b.y + BOX_H + 2:.0f}"
    )
    return path, (b.cx + 8, start_y + 22)
