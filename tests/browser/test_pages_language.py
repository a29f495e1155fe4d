"""The pages as readers of each role and language see them, in a real browser with no way
out to the internet (every request to another host is refused and recorded):

- a psychologist and a social worker read on the case page why they cannot take a step
  and who can, in Armenian, then the same page in English;
- /cases/abc is a page in the reader's language, not a validator's message;
- /api/v1/docs renders Swagger UI from the app's own files;
- the reports page draws ֏ and Armenian with the fonts the app ships (this machine has no
  Armenian font of its own), its chart labels inside their charts.

Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests import programme_fixtures as pf
from web.app import create_app
from web.shared import accounts
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "browser-test-password"
MANAGER = "lusine.h"


@pytest.fixture
def site(clean_db, clean_redis, runtime_for, serve) -> tuple[str, dict[str, int]]:
    rt = runtime_for(clean_db, clean_redis)
    pf.ensure_staff(rt)
    handle(rt, AddStaff(username=MANAGER, full_name="Լուսինե Հակոբյան", role="manager", actor="t"))
    for username in (pf.SOCIAL_WORKER, pf.PSYCHOLOGIST, MANAGER):
        accounts.set_password(rt, username=username, password=PASSWORD)
    cases = {
        "referred": pf.case_in(rt, "referred"),
        "economically_stabilised": pf.case_in(rt, "economically_stabilised", confirm=True),
    }
    for case_id in cases.values():  # the psychologist counsels both families
        pf.assign_psychologist(rt, case_id)
    return serve(create_app(rt, secret_key="browser-test-secret-0123456789")), cases


class Reader:
    """A browser page that may reach only the app, logged in as one member of staff."""

    def __init__(self, browser: Any, url: str, username: str) -> None:
        self.url = url
        self.context = browser.new_context(locale="hy-AM", viewport={"width": 1280, "height": 900})
        self.outside: list[str] = []
        self.context.route("**/*", self._only_the_app)
        self.page = self.context.new_page()
        self.page.goto(url + "/login")
        self.page.get_by_label("Օգտանուն").fill(username)
        self.page.get_by_label("Գաղտնաբառ").fill(PASSWORD)
        self.page.get_by_role("button", name="Մուտք").click()
        self.page.wait_for_url(url + "/")

    def _only_the_app(self, route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def card(self, step: str) -> Any:
        return self.page.locator("div.transition").filter(
            has=self.page.get_by_role("button", name=step)
        )

    def to_english(self) -> None:
        self.page.get_by_role("button", name="English").click()
        self.page.wait_for_load_state("load")
        assert self.page.locator("html").get_attribute("lang") == "en"


def lines(locator: Any) -> list[str]:
    return [line.strip() for line in locator.inner_text().split("\n") if line.strip()]


def test_a_psychologist_reads_why_and_who_in_both_languages(chromium, site, artifacts):
    url, cases = site
    reader = Reader(chromium, url, pf.PSYCHOLOGIST)
    reader.goto(f"/cases/{cases['referred']}")
    assess = reader.card("Նշել՝ գնահատված")
    assert assess.get_by_role("button").is_disabled()
    assert "Գրանցեք ընտանիքի գնահատումը" in assess.inner_text()
    assert "Ով կարող է կատարել այս քայլը՝ Ծրագրի ղեկավար, Սոցիալական աշխատող" in (
        assess.inner_text()
    )
    # The disabled button is described by its reasons, for a screen reader too.
    button = assess.get_by_role("button")
    assert reader.page.locator(f"#{button.get_attribute('aria-describedby')}").is_visible()
    reader.page.locator("section.workflow").screenshot(path=str(artifacts / "lang-psy-hy.png"))
    reader.to_english()
    assess = reader.card("Mark as assessed")
    assert "To do first:" in assess.inner_text()
    assert "Record an assessment of the family" in assess.inner_text()
    assert "Who can take this step: Programme manager, Social worker" in assess.inner_text()
    assert "Who can take this step: Programme manager" in reader.card("Close the case").inner_text()
    page_text = reader.page.locator("main").inner_text()
    assert "Մանկալքության" not in page_text
    reader.page.locator("section.workflow").screenshot(path=str(artifacts / "lang-psy-en.png"))
    assert reader.outside == []


def test_a_social_worker_at_stabilised_may_request_closure(chromium, site, artifacts):
    """Closing needs a manager's approval, so the social worker's card leads to the
    closing form, which sends the request."""
    url, cases = site
    reader = Reader(chromium, url, pf.SOCIAL_WORKER)
    reader.goto(f"/cases/{cases['economically_stabilised']}")
    cards = reader.page.locator("div.transition")
    assert cards.count() == 1
    assert cards.first.get_by_role("link", name="Փակել դեպքը").is_visible()
    reader.to_english()
    close = reader.page.locator("div.transition").first
    assert close.get_by_role("link", name="Close the case").is_visible()
    reader.page.locator("section.workflow").screenshot(path=str(artifacts / "lang-sw-en.png"))
    assert reader.outside == []


def test_a_wrong_address_is_a_page_in_the_readers_language(chromium, site, artifacts):
    url, _ = site
    reader = Reader(chromium, url, pf.SOCIAL_WORKER)
    response = reader.goto("/cases/abc")
    assert response.status == 404
    text = reader.page.locator("main").inner_text()
    assert "Այս հասցեով էջ չկա" in text and "Input should be" not in text
    reader.to_english()
    reader.goto("/cases/abc")
    text = reader.page.locator("main").inner_text()
    assert "There is no page at this address" in text and "case_id" not in text
    reader.page.screenshot(path=str(artifacts / "lang-not-found-en.png"))


def test_the_api_docs_render_without_internet(chromium, site, artifacts):
    url, _ = site
    reader = Reader(chromium, url, MANAGER)
    reader.goto("/api/v1/docs")
    reader.page.locator(".swagger-ui .info .title").wait_for(timeout=15000)
    assert "Hogatar back-office API" in reader.page.locator(".swagger-ui .info").inner_text()
    assert reader.page.locator(".opblock").count() > 10  # the operations are listed
    reader.page.screenshot(path=str(artifacts / "api-docs-offline.png"))
    assert reader.outside == []


#: The shipped faces the page loaded, and whether the dram sign is drawn by one of them.
FONTS = """async () => {
  await document.fonts.ready;
  const loaded = [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family);
  return {loaded, dram: document.fonts.check('16px "Hogatar Armenian"', '֏')};
}"""


def test_the_reports_draw_armenian_and_the_dram_sign_with_the_shipped_fonts(
    chromium, site, artifacts
):
    url, _ = site
    reader = Reader(chromium, url, MANAGER)
    reader.goto("/reports")
    fonts = reader.page.evaluate(FONTS)
    assert '"Hogatar Armenian"' in fonts["loaded"] or "Hogatar Armenian" in fonts["loaded"]
    assert fonts["dram"]
    # Every chart label lies inside its chart, as drawn by the browser.
    outside = reader.page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
             const box = svg.getBoundingClientRect();
             return [...svg.querySelectorAll('text')].filter(t => {
               const r = t.getBoundingClientRect();
               return r.left < box.left - 0.5 || r.right > box.right + 0.5;
             }).map(t => t.textContent);
           })"""
    )
    assert outside == []
    reader.page.screenshot(path=str(artifacts / "reports-hy.png"), full_page=True)
    budget = reader.page.locator("svg.chart").last
    budget.screenshot(path=str(artifacts / "reports-budget-dram.png"))
    amounts = reader.page.locator("table.data tr").filter(has_text="֏").first
    amounts.screenshot(path=str(artifacts / "reports-dram-sign.png"))
    assert reader.outside == []
