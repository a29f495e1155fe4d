"""The foster-care pilot in a real browser, in Armenian, as a social worker goes through
it: the inquiry registered from the navigation, its case page with the pilot's own
diagram, each step's record made with its form and the step taken with its button, from
inquiry to a child placed and monitored. A step whose requirement is unmet is refused on
its card with what is missing (a document the commission needs, named as configured).
Words of the interface are read from the Armenian catalog, the workflow's from its
definition. Screenshots go to test-artifacts/foster-*.png."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import programme_fixtures as pf
from tests.browser.test_casework import PASSWORD
from tests.browser.test_intake import Tab, login
from web.app import create_app
from web.shared import accounts, labels
from web.shared.i18n import translations, use_language
from workflow.persistence.models import CaseRow
from workflow.programme.foster_care import foster_rules

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def hy(message: str) -> str:
    """An interface text as the Armenian catalog has it."""
    return translations("hy").gettext(message)


@pytest.fixture
def site(clean_db, clean_redis, runtime_for, serve) -> tuple[str, Any]:
    rt = runtime_for(clean_db, clean_redis)
    pf.ensure_staff(rt)
    accounts.set_password(rt, username=pf.SOCIAL_WORKER, password=PASSWORD)
    return serve(create_app(rt, secret_key="browser-test-secret-0123456789")), rt


def state_of(rt: Any, case_id: int) -> str:
    with rt.session_factory() as session:
        return str(session.get(CaseRow, case_id).state)


def shot(tab: Tab, name: str) -> None:
    tab.page.screenshot(path=str(tab.artifacts / f"foster-{name}.png"), full_page=True)


def record(tab: Tab, link: str, fill: Any = None) -> None:
    """Open a record's form from the case page, fill it, save it: back on the case page."""
    tab.page.get_by_role("link", name=hy(link)).click()
    tab.check()
    if fill is not None:
        fill(tab.page)
    tab.submit(hy("Save"))
    assert re.search(r"/cases/\d+", tab.page.url), tab.page.url


def take(tab: Tab, step: str) -> None:
    tab.submit(step)


def tick(page: Any, items: Any) -> None:
    for item in items:
        page.get_by_label(item.labels["hy"]).check()


def test_a_foster_family_from_inquiry_to_placement_in_armenian(chromium, site, artifacts):
    url, rt = site
    rules = foster_rules()
    context, tab = login(chromium, url, artifacts)
    page = tab.page

    page.get_by_role("link", name=hy("Register a foster family inquiry")).click()
    tab.check()
    page.get_by_label(hy("Family name")).fill("Ղազարյան")
    page.get_by_label(hy("Community")).select_option("hrazdan")
    page.get_by_label(hy("Adults in the household")).fill("2")
    page.get_by_label(hy("Why the family wants to foster a child")).fill("Ուզում ենք օգնել")
    tab.submit(hy("Register the inquiry"))
    case_id = tab.case_id()
    assert state_of(rt, case_id) == "inquiry"

    # Its own diagram: the pilot's nine states, the inquiry marked, in Armenian.
    diagram = page.locator("svg.diagram")
    assert diagram.locator("rect").count() == 9
    # (SVG elements have text content, not the inner text of HTML elements.)
    assert diagram.locator('g[aria-current="step"]').text_content().strip() == "Հարցում"
    assert "մշտադիտարկում" in diagram.text_content()
    assert page.locator(".case-head .state").inner_text() == "Հարցում"

    # The first step is refused on its card, with what is missing.
    apply = page.get_by_role("button", name="Ընդունել դիմումը")
    assert apply.is_disabled()
    why = page.locator("#why-apply").inner_text()
    with use_language("hy"):
        assert labels.guard("foster_application_recorded", "") in why
    shot(tab, "inquiry")

    # In the social worker's own caseload, with its community and social worker; the
    # community filter finds it, and another community's does not.
    page.get_by_role("link", name=hy("Caseload")).click()
    tab.check()
    row = page.locator("#results tbody tr", has_text="Ղազարյան")
    assert row.count() == 1
    assert "Հրազդան" in row.inner_text() and "Անահիտ Մարտիրոսյան" in row.inner_text()
    # (The filters apply as they change, without a new page: wait for the results.)
    results = page.locator("#results")
    page.get_by_label(hy("Community"), exact=True).select_option(label="Աբովյան")
    expect(results).to_contain_text(hy("No cases match these filters."))
    page.get_by_label(hy("Community"), exact=True).select_option(label="Հրազդան")
    expect(results.locator("tbody tr", has_text="Ղազարյան")).to_have_count(1)
    shot(tab, "caseload")
    # Back goes through the filters chosen, each page loaded again from the server.
    # (history.back(): Playwright's go_back would wait for a load the reload cancels.)
    community = page.get_by_label(hy("Community"), exact=True)
    page.evaluate("history.back()")
    expect(results).to_contain_text(hy("No cases match these filters."))
    expect(community.locator("option:checked")).to_have_text("Աբովյան")
    page.evaluate("history.back()")
    expect(community).to_have_value("")
    tab.check()
    results.locator("tbody tr", has_text="Ղազարյան").get_by_role("link").first.click()
    tab.check()
    assert tab.case_id() == case_id

    # The application with one document missing: the next step waits for it.
    *given, missing = rules.required_documents
    record(tab, "Record the application", lambda p: tick(p, given))
    take(tab, "Ընդունել դիմումը")
    assert state_of(rt, case_id) == "application"
    assert page.get_by_role("button", name="Սկսել տնային պայմանների գնահատումը").is_disabled()
    with use_language("hy"):
        assert (
            labels.guard("foster_documents_complete", "")
            in page.locator("#why-start_home_assessment").inner_text()
        )
    assert missing.labels["hy"] in page.locator("#foster").inner_text()
    shot(tab, "documents-missing")
    record(tab, "Record the application", lambda p: tick(p, [missing]))
    take(tab, "Սկսել տնային պայմանների գնահատումը")

    def assess(p: Any) -> None:
        p.get_by_label(hy("Conclusion")).select_option("recommended")
        p.get_by_label(hy("Recommendation")).fill("Բնակարանը հարմար է երեխայի համար")

    record(tab, "Record the home assessment", assess)
    take(tab, "Սկսել դասընթացը")

    def train(p: Any) -> None:
        tick(p, rules.modules)
        p.get_by_label(hy("Trainer")).fill("Մարիամ Գրիգորյան")

    record(tab, "Record a training session", train)
    take(tab, "Ներկայացնել հանձնաժողովին")
    assert state_of(rt, case_id) == "approval"

    def decide(p: Any) -> None:
        p.get_by_role("combobox", name=hy("Decision")).select_option("approved")
        p.get_by_label(hy("Number of the decision")).fill("ԽՀ-17")

    record(tab, "Record the commission's decision", decide)
    take(tab, "Արձանագրել հաստատումը")

    def match(p: Any) -> None:
        p.get_by_label(hy("The child's reference in the guardianship file")).fill("KT-2026-031")
        p.get_by_label(hy("The child's initials")).fill("Ա.Հ.")
        p.get_by_label(hy("The child's age in years")).fill("7")

    record(tab, "Record the match", match)
    take(tab, "Համադրել երեխայի հետ")
    assert page.get_by_role("button", name="Տեղավորել երեխային").is_disabled()
    record(tab, "Record the placement")
    take(tab, "Տեղավորել երեխային")

    assert state_of(rt, case_id) == "monitoring"
    assert page.locator(".case-head .state").inner_text() == "Տեղավորված, մշտադիտարկում"
    current = page.locator('svg.diagram g[aria-current="step"]').text_content()
    assert "մշտադիտարկում" in current
    timeline = page.locator("#timeline").inner_text()
    assert "Տեղավորել երեխային" in timeline and "Տեղավորման նախապատրաստում" in timeline
    shot(tab, "placed")
    context.close()
