"""A social worker takes a family from registration to services, and a manager closes the
case: in the Armenian interface, in a real browser, by labelled inputs (one form by
keyboard alone). Any console error fails the test; the main pages are saved as
screenshots in test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import programme_fixtures as pf
from web.app import create_app
from web.shared import accounts
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "browser-test-password"
TODAY = "2026-01-10"

#: Every input, select and textarea has a label (or an aria-label); returns the ones that do not.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id)"""


@pytest.fixture
def site(clean_db, clean_redis, runtime_for, serve) -> str:
    rt = runtime_for(clean_db, clean_redis)
    pf.ensure_staff(rt)
    handle(
        rt,
        AddStaff(username="lusine.h", full_name="Լուսինե Հակոբյան", role="manager", actor="test"),
    )
    for username in (pf.SOCIAL_WORKER, "lusine.h"):
        accounts.set_password(rt, username=username, password=PASSWORD)
    return serve(create_app(rt, secret_key="browser-test-secret-0123456789"))


class Session:
    """One browser page with checks on every page it visits."""

    def __init__(self, browser: Any, url: str, artifacts: Any) -> None:
        self.context = browser.new_context(locale="hy-AM", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.url = url
        self.artifacts = artifacts
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def goto(self, path: str) -> None:
        self.page.goto(self.url + path)
        self.check()

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        assert self.page.evaluate(UNLABELLED) == [], self.page.url
        assert self.page.locator("html").get_attribute("lang") == "hy"
        assert self.console_errors == []

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)

    def login_by_keyboard(self, username: str) -> None:
        self.goto("/login")
        self.page.keyboard.type(username)  # the username field has the focus
        self.page.keyboard.press("Tab")
        self.page.keyboard.type(PASSWORD)
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(self.url + "/")
        self.check()

    def submit(self, label: str, *, status: int | None = None) -> None:
        self.page.get_by_role("button", name=label).click()
        self.page.wait_for_load_state("load")
        if status is not None:
            # The browser reports the page's own 4xx status as a console error: that one
            # is expected here, any other is not.
            expected = f"status of {status}"
            self.console_errors = [e for e in self.console_errors if expected not in e]
        self.check()

    def case_id(self) -> int:
        match = re.search(r"/cases/(\d+)", self.page.url)
        assert match, self.page.url
        return int(match.group(1))

    def close(self) -> None:
        self.context.close()


def test_from_registration_to_closure_in_armenian(chromium, site, artifacts):
    worker = Session(chromium, site, artifacts)
    page = worker.page
    worker.login_by_keyboard(pf.SOCIAL_WORKER)
    assert page.get_by_role("heading", name="Վահանակ").is_visible()
    worker.shot("dashboard")

    # Register a family (with its consent), by the labels a person reads.
    page.get_by_role("link", name="Գրանցել ընտանիք").click()
    worker.check()
    page.get_by_role("textbox", name="Ազգանուն", exact=True).fill("Սարգսյան")
    page.get_by_label("Համայնք").select_option("hrazdan")
    page.get_by_label("Հեռախոս").fill("+374 91 123456")
    member_one = page.locator("fieldset.member").nth(0)
    member_one.get_by_label("Անուն, ազգանուն").fill("Անի Սարգսյան")
    member_one.get_by_label("Դերը ընտանիքում").select_option("mother")
    member_one.get_by_label("Ծննդյան ամսաթիվ").fill("1990-04-02")
    member_two = page.locator("fieldset.member").nth(1)
    member_two.get_by_label("Անուն, ազգանուն").fill("Նարե Սարգսյան")
    member_two.get_by_label("Դերը ընտանիքում").select_option("child")
    member_two.get_by_label("Ծննդյան ամսաթիվ").fill("2016-09-01")
    page.get_by_label("Ինչին է համաձայնում ընտանիքը").fill("Մասնակցություն ծրագրին")
    page.get_by_label("Համաձայնության ամսաթիվ").fill(TODAY)
    worker.shot("register-family")
    worker.submit("Գրանցել ընտանիքը")
    assert page.get_by_text("Ընտանիքը գրանցված է").is_visible()
    case_id = worker.case_id()
    # Blocked: the page says what to do first.
    assert page.get_by_text("Գրանցեք ընտանիքի գնահատումը").first.is_visible()

    # Assessment, then "assessed".
    page.get_by_role("link", name="Գրանցել գնահատում").click()
    worker.check()
    page.get_by_label("Գնահատող").select_option(pf.SOCIAL_WORKER)
    page.get_by_label("Գնահատման ամսաթիվ").fill(TODAY)
    page.get_by_label("Մանկալքության վտանգ").check()
    page.get_by_label("Նկարագրեք վտանգը").fill("Մայրը մտածում է երեխային հանձնել հաստատություն")
    page.get_by_label("Ծայրահեղ աղքատություն").check()
    page.get_by_label("Միայնակ ծնողների երեխաներ").check()
    worker.shot("assessment-form")
    worker.submit("Պահպանել գնահատումը")
    worker.submit("Նշել՝ գնահատված")
    worker.submit("Ընդգրկել ծրագրում")
    assert page.locator(".case-head .state").inner_text() == "Ընդգրկված"

    # Plan a service and assign staff, then start services.
    page.get_by_role("link", name="Պլանավորել ծառայություն").click()
    worker.check()
    page.get_by_role("combobox", name="Ծառայություն", exact=True).select_option("school_supplies")
    page.get_by_label("Նախատեսված ամսաթիվ").fill("2026-02-01")
    page.get_by_label("Աշխատակից").select_option(pf.SOCIAL_WORKER)
    worker.submit("Ավելացնել պլանում")
    page.get_by_role("link", name="Նշանակել աշխատակիցներ").click()
    worker.check()
    page.get_by_label("Սոցիալական աշխատող").select_option(pf.SOCIAL_WORKER)
    page.get_by_label("Հոգեբան").select_option(pf.PSYCHOLOGIST)
    worker.submit("Պահպանել")
    worker.submit("Սկսել ծառայությունները")
    assert page.locator(".case-head .state").inner_text() == "Ծառայություններ է ստանում"

    # A counselling session; sent from the keyboard (Tab to the button, Enter).
    page.get_by_role("link", name="Գրանցել խորհրդատվության հանդիպում").click()
    worker.check()
    page.get_by_label("Հանդիպման տեսակ").select_option("individual")
    page.get_by_label("Հոգեբան").select_option(pf.PSYCHOLOGIST)
    page.get_by_label("Անցկացման ամսաթիվ").fill(TODAY)
    page.get_by_label("Անհրաժեշտ է հաջորդ հանդիպում").check()
    page.get_by_label("Նշումներ").focus()
    page.keyboard.type("Առաջին հանդիպում")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/cases/{case_id}\?msg=saved"))
    worker.check()
    assert page.get_by_text("Առաջին հանդիպում").is_visible()
    worker.shot("case-page")
    worker.goto("/cases")
    assert page.get_by_role("link", name="Սարգսյան").is_visible()
    worker.shot("caseload")

    # The social worker requests closure with a reason; the case waits for a manager.
    worker.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Փակել դեպքը").click()
    worker.check()
    page.get_by_label("Փակման պատճառ").select_option("moved_away")
    page.get_by_label("Բացատրություն").fill("Ընտանիքը տեղափոխվել է Երևան")
    worker.shot("close-form")
    worker.submit("Փակել դեպքը")
    page.wait_for_url(re.compile(rf"/cases/{case_id}\?msg=approval_requested"))
    assert page.locator(".case-head .state").inner_text() == "Ծառայություններ է ստանում"
    worker.goto("/inbox")  # not the requester's to approve
    assert page.locator("table.approvals").count() == 0
    worker.close()

    # The request is on the manager's "my work"; approving it there closes the case.
    manager = Session(chromium, site, artifacts)
    page = manager.page
    manager.login_by_keyboard("lusine.h")
    manager.goto("/inbox")
    request = page.locator("table.approvals tbody tr")
    assert request.count() == 1 and "Ընտանիքը տեղափոխվել է Երևան" in request.inner_text()
    manager.shot("my-work-approval")
    request.get_by_role("button", name="Հաստատել").click()
    page.wait_for_url(re.compile(r"/inbox\?msg=approval_approved"))
    manager.goto(f"/cases/{case_id}")
    assert page.locator(".case-head .state").inner_text() == "Փակված"
    # The reason is on the timeline twice: with the request and with the closure.
    assert page.get_by_text("Ընտանիքը տեղափոխվել է Երևան").count() == 2
    manager.goto("/reports")
    assert page.locator("svg.chart").count() >= 4
    manager.shot("reports")
    manager.close()


def test_a_refused_form_shows_errors_beside_fields(chromium, site, artifacts):
    session = Session(chromium, site, artifacts)
    page = session.page
    session.login_by_keyboard(pf.SOCIAL_WORKER)
    session.goto("/families/new")
    page.get_by_label("Համայնք").select_option("garni")
    page.locator("fieldset.member").nth(0).get_by_label("Անուն, ազգանուն").fill("Արմեն Մելքոնյան")
    session.submit("Գրանցել ընտանիքը", status=422)
    error = page.locator("#f-family_name-error")
    assert error.inner_text() == "Այս դաշտը պարտադիր է։"
    assert (
        page.get_by_role("textbox", name="Ազգանուն", exact=True).get_attribute("aria-invalid")
        == "true"
    )
    # What was typed is still there.
    assert page.locator("fieldset.member").nth(0).get_by_label("Անուն, ազգանուն").input_value() == (
        "Արմեն Մելքոնյան"
    )
    session.shot("form-errors")
    session.close()
