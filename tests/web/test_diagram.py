"""The workflow diagram: every state drawn, the current one highlighted, deterministic."""

from __future__ import annotations

import re

from web.cases.diagram import render_diagram, state_order
from web.shared.i18n import use_language


def test_every_state_and_the_current_one_highlighted(rt):
    definition = rt.machine("family_case").definition
    with use_language("hy"):
        svg = str(render_diagram(definition, "enrolled"))
    assert svg.count("<rect") == len(definition.states)
    assert re.search(
        r'<g class="state current" aria-current="step"><rect[^>]*/><text[^>]*>Ընդգրկված', svg
    )
    assert svg.count("aria-current") == 1
    assert "Փակված" in svg and "Տնտեսապես" in svg
    with use_language("hy"):
        assert str(render_diagram(definition, "enrolled")) == svg  # deterministic


def test_states_are_laid_out_in_the_order_a_case_meets_them(rt):
    definition = rt.machine("family_case").definition
    order = state_order(definition)
    assert order[0] == "referred" and order.index("assessed") < order.index("enrolled")
