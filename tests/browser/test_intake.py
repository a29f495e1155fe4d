"""Intake and the forms that change a case, in a real browser, as a social worker goes
through them: a family on the state benefit registered by ticking its box; the same
child typed in Latin letters flagged as a possible duplicate with the reason, confirmed
by the checkbox and saved; a consent saved, Back, saved again: one consent and a
notice; a stale form in two tabs keeps what was typed and saves again in one click;
the dates start at today in dd.mm.yyyy. In Armenian, and one step in English.
Screenshots go to test-artifacts/intake-*.png."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.browser.test_casework import PASSWORD, UNLABELLED
from web.app import create_app
from web.shared import accounts
from workflow.clock import local_day
from workflow.persistence.models import CaseRow
from workflow.programme.families import ConsentRow, FamilyRow, MemberInput
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def site(clean_db, clean_redis, runtime_for, serve) -> tuple[str, Any]:
    rt = runtime_for(clean_db, clean_redis)
    pf.ensure_staff(rt)
    handle(
        rt,
        AddStaff(username="lusine.h", full_name="Լուսինե Հակոբյան", role="manager", actor="test"),
    )
    for username in (pf.SOCIAL_WORKER, "lusine.h"):
        accounts.set_password(rt, username=username, password=PASSWORD)
    return serve(create_app(rt, secret_key="browser-test-secret-0123456789")), rt


class Tab:
    """One browser tab; every page it shows is checked (labels, language, console)."""

    def __init__(self, context: Any, url: str, artifacts: Any, language: str = "hy") -> None:
        self.page = context.new_page()
        self.url = url
        self.artifacts = artifacts
        self.language = language
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def goto(self, path: str) -> None:
        self.page.goto(self.url + path)
        self.check()

    def check(self, status: int | None = None) -> None:
        self.page.wait_for_load_state("load")
        if status is not None:  # the browser logs the page's own 4xx status; expected here
            self.console_errors = [e for e in self.console_errors if f"status of {status}" not in e]
        assert self.page.evaluate(UNLABELLED) == [], self.page.url
        assert self.page.locator("html").get_attribute("lang") == self.language
        assert self.console_errors == []

    def submit(self, label: str, *, status: int | None = None) -> None:
        self.page.get_by_role("button", name=label).click()
        self.check(status)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"intake-{name}.png"), full_page=True)

    def case_id(self) -> int:
        found = re.search(r"/cases/(\d+)", self.page.url)
        assert found, self.page.url
        return int(found.group(1))


def login(browser: Any, url: str, artifacts: Any, language: str = "hy") -> tuple[Any, Tab]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    # en-US on purpose: its own date format is mm/dd/yyyy, which the forms must not follow.
    tab = Tab(context, url, artifacts)
    tab.goto("/login")
    tab.page.get_by_label("Օգտանուն").fill(pf.SOCIAL_WORKER)
    tab.page.get_by_label("Գաղտնաբառ").fill(PASSWORD)
    tab.page.get_by_role("button", name="Մուտք").click()
    tab.page.wait_for_url(url + "/")
    tab.check()
    return context, tab


def today_shown(rt: Any) -> str:
    return f"{local_day(rt.clock.now()):%d.%m.%Y}"


def count(rt: Any, model: Any, **where: Any) -> int:
    with rt.session_factory() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(session.scalar(query) or 0)


def fill_member(tab: Tab, number: int, name: str, role: str, born: str) -> None:
    member = tab.page.locator("fieldset.member").nth(number)
    member.get_by_label("Անուն, ազգանուն").fill(name)
    member.get_by_label("Դերը ընտանիքում").select_option(role)
    member.get_by_label("Ծննդյան ամսաթիվ").fill(born)


def test_register_on_the_benefit_by_ticking_its_box(chromium, site, artifacts):
    url, rt = site
    context, tab = login(chromium, url, artifacts)
    page = tab.page
    page.get_by_role("link", name="Գրանցել ընտանիք").click()
    tab.check()
    # The consent date starts at today, in the interface's format, not mm/dd/yyyy.
    assert page.get_by_label("Համաձայնության ամսաթիվ").input_value() == today_shown(rt)
    page.get_by_role("textbox", name="Ազգանուն", exact=True).fill("Մելքոնյան")
    page.get_by_label("Համայնք").select_option("garni")
    page.get_by_label("Հեռախոս").fill("+374 93 456789")
    fill_member(tab, 0, "Սիրանուշ Մելքոնյան", "mother", "12.07.1991")
    fill_member(tab, 1, "Էդգար Մելքոնյան", "child", "03.05.2017")
    page.get_by_label("Ընտանիքն ընդգրկված է ընտանեկան նպաստի պետական համակարգում").check()
    page.locator("fieldset.member").nth(1).get_by_label("Ունի հաշմանդամություն").check()
    page.get_by_label("Ինչին է համաձայնում ընտանիքը").fill("Մասնակցություն ծրագրին")
    tab.shot("benefit-ticked")
    tab.submit("Գրանցել ընտանիքը")
    assert page.get_by_text("Ընտանիքը գրանցված է").is_visible()
    case_id = tab.case_id()
    with rt.session_factory() as session:
        family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
        assert family is not None and family.state_benefit is True
        # Registered by a social worker: the case is theirs.
        assert family.social_worker_id is not None
    tab.shot("registered")
    # Back to the form, register again: the same family, once, with a notice. The page is
    # never stored (Cache-Control: no-store), so the browser fetches it again and puts
    # back what was typed, except the dates: autocomplete="off" fields are not restored
    # (the browser keeps no children's birth dates), so they are typed again.
    page.go_back()
    tab.check()
    assert page.get_by_role("textbox", name="Ազգանուն", exact=True).input_value() == "Մելքոնյան"
    born = page.locator("fieldset.member").nth(0).get_by_label("Ծննդյան ամսաթիվ")
    assert born.input_value() == ""
    fill_member(tab, 0, "Սիրանուշ Մելքոնյան", "mother", "12.07.1991")
    fill_member(tab, 1, "Էդգար Մելքոնյան", "child", "03.05.2017")
    tab.submit("Գրանցել ընտանիքը")
    assert tab.case_id() == case_id
    assert page.get_by_text("Այս ձևն արդեն պահպանվել էր").is_visible()
    assert count(rt, CaseRow) == 1
    tab.shot("registered-once")
    context.close()


def test_a_latin_duplicate_is_flagged_with_the_reason_and_confirmed(chromium, site, artifacts):
    url, rt = site
    existing = pf.register(
        rt,
        family_name="Հակոբյան",
        phone="+374 94 555111",
        members=(
            MemberInput(role="father", full_name="Գևորգ Հակոբյան", date_of_birth=date(1984, 6, 1)),
            MemberInput(role="child", full_name="Արամ Հակոբյան", date_of_birth=date(2015, 3, 2)),
        ),
    )
    context, tab = login(chromium, url, artifacts)
    page = tab.page
    tab.goto("/families/new")
    page.get_by_role("textbox", name="Ազգանուն", exact=True).fill("Hakobyan")
    page.get_by_label("Համայնք").select_option("hrazdan")
    fill_member(tab, 0, "Karine Hakobyan", "mother", "11.11.1988")
    fill_member(tab, 1, "Aram Hakobyan", "child", "02.03.2015")
    tab.submit("Գրանցել ընտանիքը", status=422)
    tab.shot("duplicate-why")
    why = "Երեխա՝ Aram Hakobyan, ծնված՝ 02.03.2015, համընկնում է՝ Արամ Հակոբյան"
    assert page.get_by_text(why).is_visible()
    assert page.get_by_role("link", name=re.compile(f"Դեպք {existing}")).is_visible()
    page.get_by_label("Ստուգել եմ այս դեպքերը. այնուամենայնիվ գրանցել ընտանիքը").check()
    tab.submit("Գրանցել ընտանիքը")
    assert page.get_by_text("Ընտանիքը գրանցված է").is_visible()
    assert tab.case_id() != existing
    assert count(rt, CaseRow) == 2
    tab.shot("duplicate-confirmed")
    context.close()


def fill_consent(tab: Tab, note: str) -> None:
    """Tick participation, choose the first household member as the one who gave it, and
    type the note (by field id: the consent form's new labels are not translated yet)."""
    tab.page.locator("#f-purposes-participation").check()
    tab.page.locator("#f-given_by").select_option(index=1)
    tab.page.locator("#f-note").fill(note)


def test_back_and_save_again_keeps_one_consent(chromium, site, artifacts):
    url, rt = site
    case_id = pf.register(rt, actor=pf.SOCIAL_WORKER)
    context, tab = login(chromium, url, artifacts)
    page = tab.page
    tab.goto(f"/cases/{case_id}/forms/consent")
    assert page.get_by_label("Համաձայնության ամսաթիվ").input_value() == today_shown(rt)
    fill_consent(tab, "Տվյալների մշակում")
    tab.submit("Պահպանել")
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    page.go_back()
    tab.check()
    assert page.locator("#f-note").input_value() == "Տվյալների մշակում"
    assert page.locator("#f-purposes-participation").is_checked()
    tab.submit("Պահպանել")
    assert page.get_by_text("Այս ձևն արդեն պահպանվել էր").is_visible()
    assert count(rt, ConsentRow, case_id=case_id) == 1
    assert page.locator(".timeline").get_by_text("Համաձայնությունը գրանցվեց").count() == 1
    tab.shot("saved-once")
    context.close()


def test_a_stale_form_keeps_the_text_and_saves_again_in_one_click(chromium, site, artifacts):
    url, rt = site
    case_id = pf.register(rt, actor=pf.SOCIAL_WORKER)
    context, first = login(chromium, url, artifacts)
    first.goto(f"/cases/{case_id}/forms/consent")
    typed = "Մասնակցություն ծրագրին և խորհրդատվություն"
    fill_consent(first, typed)
    # Meanwhile, in a second tab, an income source is recorded on the same case.
    second = Tab(context, url, artifacts)
    second.goto(f"/cases/{case_id}/forms/income")
    second.page.get_by_label("Եկամտի տեսակ").select_option(index=1)
    second.page.get_by_label("Սկսած").fill("01.11.2026")
    second.submit("Պահպանել")
    first.submit("Պահպանել", status=409)
    page = first.page
    assert page.locator("#f-note").input_value() == typed
    meanwhile = page.locator(".meanwhile")
    assert meanwhile.get_by_text("Այդ ընթացքում փոխվել է").is_visible()
    assert meanwhile.get_by_text("Անահիտ Մարտիրոսյան").is_visible()
    first.shot("stale-kept")
    first.submit("Կրկին պահպանել իմ փոփոխությունները")
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    assert count(rt, ConsentRow, case_id=case_id) == 1
    context.close()


def test_in_english_the_dates_and_the_stale_form(chromium, site, artifacts):
    url, rt = site
    case_id = pf.register(rt, actor=pf.SOCIAL_WORKER)
    context, tab = login(chromium, url, artifacts)
    page = tab.page
    page.get_by_role("button", name="English").click()
    tab.language = "en"
    tab.check()
    tab.goto(f"/cases/{case_id}/forms/assessment")
    assert page.get_by_label("Assessment date").input_value() == today_shown(rt)
    assert page.get_by_text("Day.month.year, e.g. 15.03.2024").first.is_visible()
    assert page.get_by_label("Assessed by").input_value() == pf.SOCIAL_WORKER
    page.get_by_label("Assessment date").fill("03/15/2026")  # the browser's own habit
    tab.submit("Save the assessment", status=422)
    assert page.get_by_text("This is not a date; use the form 15.03.2024.").is_visible()
    assert page.get_by_label("Assessment date").input_value() == "03/15/2026"
    tab.shot("english-date-refused")
    context.close()
