"""The pages under their Content-Security-Policy, in a real browser: the dashboard, the
family form's "Add another member" (htmx, with no eval), the caseload's search as one
types (htmx), a case page with its diagram, the reports' charts and the API docs
(Swagger UI) work, and the browser reports no violation of the policy."""

from __future__ import annotations

from typing import Any

import pytest

from tests import programme_fixtures as pf
from web.app import create_app
from web.shared import accounts
from web.shared.middleware import CONTENT_SECURITY_POLICY
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "browser-test-password"
MANAGER = "lusine.h"
#: Every violation the page reports, whether the browser blocked it or not.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def site(clean_db, clean_redis, runtime_for, serve) -> tuple[str, int]:
    rt = runtime_for(clean_db, clean_redis)
    pf.ensure_staff(rt)
    handle(rt, AddStaff(username=MANAGER, full_name="Լուսինե Հակոբյան", role="manager", actor="t"))
    for username in (pf.SOCIAL_WORKER, MANAGER):
        accounts.set_password(rt, username=username, password=PASSWORD)
    case_id = pf.case_in(rt, "enrolled", family_name="Մելքոնյան")
    return serve(create_app(rt, secret_key="browser-test-secret-0123456789")), case_id


class Reader:
    def __init__(self, browser: Any, url: str, username: str) -> None:
        self.url = url
        self.context = browser.new_context(locale="hy-AM")
        self.context.add_init_script(WATCH_VIOLATIONS)
        self.console: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.goto(url + "/login")
        self.page.get_by_label("Օգտանուն").fill(username)
        self.page.get_by_label("Գաղտնաբառ").fill(PASSWORD)
        self.page.get_by_role("button", name="Մուտք").click()
        self.page.wait_for_url(url + "/")

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.console.append(message.text)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.url + path)
        self.page.wait_for_load_state("networkidle")
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["cache-control"] == "no-store"
        return response

    def violations(self) -> list[str]:
        reported: list[str] = self.page.evaluate("window.__violations")
        return reported + [text for text in self.console if "Content Security Policy" in text]


def test_the_pages_work_under_their_policy(chromium, site):
    url, _ = site
    reader = Reader(chromium, url, pf.SOCIAL_WORKER)
    reader.goto("/")
    assert reader.violations() == []

    # htmx adds a numbered member row: the number was an hx-vals "js:" (eval) before.
    reader.goto("/families/new")
    members = reader.page.locator("#members .member")
    shown = members.count()
    add = reader.page.locator("fieldset:has(#members) button[type=button]")
    add.click()
    members.nth(shown).wait_for()
    add.click()
    members.nth(shown + 1).wait_for()
    legends = reader.page.locator("#members .member legend").all_inner_texts()
    assert legends[-1].endswith(str(shown + 2)), legends
    assert reader.page.locator(f'[name="members[{shown + 2}].full_name"]').count() == 1
    assert reader.violations() == []

    reader.goto("/api/v1/docs")
    reader.page.locator(".swagger-ui .info .title").wait_for(timeout=15000)
    assert reader.page.locator(".opblock").count() > 10
    assert reader.violations() == []


def test_a_manager_searches_and_reads_the_reports_charts_under_the_policy(chromium, site):
    url, case_id = site
    reader = Reader(chromium, url, MANAGER)
    # The caseload's search as one types (htmx, with the address pushed).
    reader.goto("/cases?worker=")
    with reader.page.expect_response(lambda r: "/cases?" in r.url and "q=" in r.url):
        reader.page.locator("#f-q").fill("Մելքոնյան")
        reader.page.locator("#f-q").press("End")  # a keyup, as typing gives
    reader.page.wait_for_url("**q=*")
    assert "Մելքոնյան" in reader.page.locator("#results").inner_text()
    assert reader.violations() == []

    reader.goto(f"/cases/{case_id}")
    assert reader.page.locator("svg").count() >= 1
    reader.goto("/reports")
    assert reader.page.locator("svg.chart").count() >= 1
    reader.goto("/workflows")
    assert reader.violations() == []
