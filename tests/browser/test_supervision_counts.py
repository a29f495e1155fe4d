"""What a manager and a psychologist read in the browser (Armenian interface) agrees with
itself: the dashboard's overdue-reminders figure is the number of reminders on the page
its link opens, and a counselling session recorded by the psychologist shows on the case
page as a delivery of the planned counselling service and in the reports."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests import programme_fixtures as pf
from tests.browser.test_background_work import work_off
from tests.browser.test_casework import PASSWORD, Session
from web.app import create_app
from web.shared import accounts
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.programme import reminders as programme_reminders
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import AssignCase
from workflow.programme.plans import PlanService
from workflow.programme.reminders import SweepReminders
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
MANAGER = "lusine.h"


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve):
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=20))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    pf.ensure_staff(rt)
    handle(rt, AddStaff(username=MANAGER, full_name="Լուսինե Հակոբյան", role="manager", actor="t"))
    for username in (MANAGER, pf.SOCIAL_WORKER, pf.PSYCHOLOGIST):
        accounts.set_password(rt, username=username, password=PASSWORD)
    # A social worker's assessed family: the enrolment decision is overdue.
    assessed = pf.register(rt, family_name="Մելքոնյան", phone="+374 91 000101")
    handle(rt, AssignCase(case_id=assessed, actor="t", social_worker=pf.SOCIAL_WORKER))
    pf.bring_to(rt, assessed, "assessed")
    # Two families of the psychologist whose counselling follow-ups are overdue.
    for name, phone in (("Ավագյան", "+374 91 000102"), ("Բաբայան", "+374 91 000103")):
        case_id = pf.case_in(rt, "enrolled", family_name=name, phone=phone)
        handle(rt, AssignCase(case_id=case_id, actor="t", psychologist=pf.PSYCHOLOGIST))
        handle(
            rt,
            RecordCounselling(
                kind="individual",
                case_ids=(case_id,),
                psychologist=pf.PSYCHOLOGIST,
                held_on=pf.today(rt),
                actor=pf.PSYCHOLOGIST,
                follow_up_needed=True,
            ),
        )
    work_off(rt)
    clock.advance(timedelta(days=15))
    handle(rt, SweepReminders())
    work_off(rt)
    # A family receiving services whose plan has individual counselling.
    counselled = pf.case_in(
        rt, "receiving_services", family_name="Սարգսյան", phone="+374 91 000104"
    )
    handle(rt, AssignCase(case_id=counselled, actor="t", psychologist=pf.PSYCHOLOGIST))
    handle(
        rt,
        PlanService(
            case_id=counselled,
            actor="t",
            service="individual_counselling",
            target_date=pf.today(rt) + timedelta(days=30),
            provider_staff=pf.PSYCHOLOGIST,
        ),
    )
    work_off(rt)
    yield serve(create_app(rt, secret_key="browser-test-secret-0123456789")), rt, counselled
    rt.engine.dispose()


def test_the_managers_overdue_figure_is_the_list_behind_its_link(chromium, site, artifacts):
    url, rt, _ = site
    overdue = programme_reminders.overdue_reminders(rt)
    recipients = sorted(r["recipient"] for r in overdue)
    assert recipients == [pf.PSYCHOLOGIST, pf.PSYCHOLOGIST, pf.SOCIAL_WORKER]
    manager = Session(chromium, url, artifacts)
    page = manager.page
    manager.login_by_keyboard(MANAGER)
    link = page.locator("#overdue-reminders-link")
    assert link.inner_text() == "3"
    manager.shot("supervision-dashboard")
    link.click()
    manager.check()
    team = page.locator("#h-team").locator("xpath=..")
    rows = team.locator("tr.overdue")
    assert rows.count() == 3
    assert sorted(
        int(re.sub(r"\D", "", rows.nth(n).get_attribute("id") or "")) for n in range(3)
    ) == sorted(r["id"] for r in overdue)
    assert team.get_by_text("Գոհար Սահակյան").count() == 2  # the psychologist's reminders
    assert team.get_by_text("Անահիտ Մարտիրոսյան").count() == 1
    manager.shot("supervision-team-reminders")
    manager.close()

    # The psychologist's own figure and list: their two, not the social worker's.
    psychologist = Session(chromium, url, artifacts)
    psychologist.login_by_keyboard(pf.PSYCHOLOGIST)
    own = psychologist.page.locator("#overdue-reminders-link")
    assert own.inner_text() == "2"
    own.click()
    psychologist.check()
    mine = psychologist.page.locator("#h-open").locator("xpath=..").locator("tr.overdue")
    assert mine.count() == 2
    psychologist.close()


def test_a_session_shows_as_the_planned_counselling_delivered(chromium, site, artifacts):
    url, rt, case_id = site
    psychologist = Session(chromium, url, artifacts)
    page = psychologist.page
    psychologist.login_by_keyboard(pf.PSYCHOLOGIST)
    psychologist.goto(f"/cases/{case_id}")
    plan = page.locator("#plan")
    assert plan.get_by_text("Անհատական խորհրդատվություն").is_visible()
    page.get_by_role("link", name="Գրանցել խորհրդատվության հանդիպում").click()
    psychologist.check()
    page.get_by_label("Հանդիպման տեսակ").select_option("individual")
    page.get_by_label("Հոգեբան").select_option(label="Գոհար Սահակյան")
    held_on = page.get_by_label("Անցկացման ամսաթիվ")
    today = pf.today(rt)
    held_on.fill(
        today.isoformat() if held_on.get_attribute("type") == "date" else today.strftime("%d.%m.%Y")
    )
    psychologist.submit("Պահպանել հանդիպումը")
    assert re.search(rf"/cases/{case_id}", page.url)
    row = page.locator("#plan tr", has_text="Անհատական խորհրդատվություն")
    assert row.get_by_text("ընթացքում").is_visible()
    assert row.get_by_role("link", name="խորհրդատվության հանդիպում").is_visible()
    assert today.strftime("%d.%m.%Y") in row.inner_text()
    psychologist.shot("supervision-session-delivered")
    psychologist.close()

    manager = Session(chromium, url, artifacts)
    manager.login_by_keyboard(MANAGER)
    manager.goto("/reports")
    support = manager.page.locator("tr", has_text="Հոգեբանական աջակցություն").last
    cells = support.locator("td")
    assert cells.nth(1).inner_text() == "1"
    manager.shot("supervision-reports")
    manager.close()
