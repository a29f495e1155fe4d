"""The foster-care pilot in the web app through its plug-in: the inquiry form opens the
case, each step's record is made with its form on the case page, the steps move the
case to a placement under monitoring, a refused step says what is missing, and the case
page draws the pilot's own diagram and names its states and steps from its definition."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

from tests import programme_fixtures as pf
from tests.web.conftest import Browser
from web.shared import labels
from web.shared.i18n import use_language
from workflow.persistence.models import CaseRow
from workflow.programme.foster_care import foster_rules

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
VERSION = re.compile(r'name="expected_version" value="(\d+)"')


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def send(browser: Browser, path: str, data: dict[str, Any], *, action: str | None = None) -> Any:
    """Open a form page and send it as a person would, with its token and version."""
    page = browser.get(path)
    assert page.status_code == 200, (path, page.text[:300])
    fields = {"form_token": TOKEN.search(page.text).group(1), **data}
    version = VERSION.search(page.text)
    if version:
        fields.setdefault("expected_version", version.group(1))
    return browser.post(action or path, fields)


def step(browser: Browser, case_id: int, trigger: str) -> Any:
    page = browser.get(f"/cases/{case_id}").text
    form = re.search(
        rf'action="/cases/{case_id}/transitions/{trigger}">.*?name="form_token" value="([^"]+)"'
        r'.*?name="expected_version" value="(\d+)"',
        page,
        re.S,
    )
    assert form, f"no button for {trigger}"
    return browser.post(
        f"/cases/{case_id}/transitions/{trigger}",
        {"form_token": form.group(1), "expected_version": form.group(2)},
    )


def day(rt: Any, ago: int) -> str:
    """A date ``ago`` days before the programme's today, as the forms take it."""
    return f"{pf.today(rt) - timedelta(days=ago):%d.%m.%Y}"


def english(browser: Browser) -> Browser:
    browser.post("/language", {"language": "en", "next": "/"})
    return browser


def state_of(rt: Any, case_id: int) -> str:
    with rt.session_factory() as session:
        return str(session.get(CaseRow, case_id).state)


def test_a_foster_family_from_inquiry_to_placement_through_the_forms(browser, rt):
    worker = english(browser(pf.SOCIAL_WORKER))
    manager = english(browser("manager"))
    home = worker.get("/").text
    assert 'href="/foster-families/new"' in home and 'href="/families/new"' in home
    registered = send(
        worker,
        "/foster-families/new",
        {"family_name": "Ղազարյան", "community": "hrazdan", "adults": "2", "phone": ""},
        action="/foster-families",
    )
    assert registered.status_code == 303, registered.text[:500]
    case_id = int(re.search(r"/cases/(\d+)", registered.headers["location"]).group(1))
    page = worker.get(f"/cases/{case_id}").text
    assert 'id="foster"' in page and 'id="assessment"' not in page
    assert "Inquiry" in text_of(page) and "Accept the application" in text_of(page)
    # The pilot's own diagram: its nine states, the inquiry marked.
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<rect") == 9 and re.search(r'aria-current="step"><rect[^>]*/><text', svg)

    # A refused step says what is missing.
    refused = step(worker, case_id, "apply")
    assert refused.status_code == 422
    assert "Record the family's written application" in text_of(refused.text)
    assert state_of(rt, case_id) == "inquiry"

    documents = [d.code for d in foster_rules().required_documents]
    assert (
        send(
            worker,
            f"/cases/{case_id}/forms/application",
            {"submitted_on": day(rt, 40), "documents": documents[:-1]},
        ).status_code
        == 303
    )
    assert step(worker, case_id, "apply").status_code == 303
    # The documents still missing are named, and the next step waits for them.
    page = text_of(worker.get(f"/cases/{case_id}").text)
    missing = foster_rules().required_documents[-1].labels["en"]
    assert missing in page
    assert step(worker, case_id, "start_home_assessment").status_code == 422
    send(
        worker,
        f"/cases/{case_id}/forms/application",
        {"submitted_on": day(rt, 38), "documents": documents[-1:]},
    )
    assert step(worker, case_id, "start_home_assessment").status_code == 303

    assessed = send(
        worker,
        f"/cases/{case_id}/forms/home_assessment",
        {
            "assessor": pf.SOCIAL_WORKER,
            "assessed_on": day(rt, 30),
            "outcome": "recommended",
            "recommendation": "Բնակարանը հարմար է",
        },
    )
    assert assessed.status_code == 303, assessed.text[:500]
    assert step(worker, case_id, "start_training").status_code == 303
    modules = [m.code for m in foster_rules().modules]
    send(
        worker,
        f"/cases/{case_id}/forms/training",
        {"held_on": day(rt, 25), "modules": modules, "trainer": "Մարիամ Գրիգորյան"},
    )
    assert step(worker, case_id, "submit_to_commission").status_code == 303
    decided = send(
        worker,
        f"/cases/{case_id}/forms/decision",
        {"decision": "approved", "decision_number": "ԽՀ-17", "decided_on": day(rt, 20)},
    )
    assert decided.status_code == 303
    assert step(worker, case_id, "approve").status_code == 303
    matched = send(
        worker,
        f"/cases/{case_id}/forms/match",
        {
            "child_reference": "KT-2026-031",
            "child_initials": "Ա.Հ.",
            "child_age": "7",
            "matched_on": day(rt, 15),
        },
    )
    assert matched.status_code == 303, matched.text[:500]
    assert step(worker, case_id, "match").status_code == 303
    send(worker, f"/cases/{case_id}/forms/placement", {"placed_on": day(rt, 10)})
    assert step(worker, case_id, "place").status_code == 303
    assert state_of(rt, case_id) == "monitoring"
    page = text_of(manager.get(f"/cases/{case_id}").text)
    assert "Placed, monitoring" in page and "KT-2026-031" in page
    assert "Starter kit requested" in page  # the place step's effect, by its name
    visited = send(
        worker,
        f"/cases/{case_id}/forms/visit",
        {"visitor": pf.SOCIAL_WORKER, "visited_on": day(rt, 5), "observations": "Լավ է"},
    )
    assert visited.status_code == 303


def test_a_refused_form_keeps_what_was_typed_and_names_the_field(browser, rt):
    worker = english(browser(pf.SOCIAL_WORKER))
    refused = send(
        worker,
        "/foster-families/new",
        {"family_name": "Ղազարյան", "community": "", "adults": "0"},
        action="/foster-families",
    )
    assert refused.status_code == 422
    assert 'value="Ղազարյան"' in refused.text
    assert 'id="f-adults"' in refused.text and 'aria-invalid="true"' in refused.text


def test_closing_a_foster_case_offers_the_pilots_reasons(browser, rt):
    from tests.foster_fixtures import inquire

    case_id = inquire(rt)
    manager = english(browser("manager"))
    page = manager.get(f"/cases/{case_id}").text
    assert f'href="/cases/{case_id}/forms/close"' in page
    form = manager.get(f"/cases/{case_id}/forms/close").text
    for item in foster_rules().closure_reasons:
        assert f'value="{item.code}"' in form
    closed = send(manager, f"/cases/{case_id}/forms/close", {"closure_reason": "withdrew"})
    assert closed.status_code == 303
    page = text_of(manager.get(f"/cases/{case_id}").text)
    assert "The family withdrew" in page and state_of(rt, case_id) == "closed"


def test_the_foster_pages_name_its_steps_in_armenian(browser, rt):
    from tests.foster_fixtures import inquire

    case_id = inquire(rt)
    worker = browser(pf.SOCIAL_WORKER)
    worker.post("/language", {"language": "hy", "next": "/"})
    page = text_of(worker.get(f"/cases/{case_id}").text)
    assert "Հարցում" in page and "Ընդունել դիմումը" in page and "Ղազարյան" in page
    with use_language("hy"):
        assert labels.guard("foster_application_recorded", "") in page
