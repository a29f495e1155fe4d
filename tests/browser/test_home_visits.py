"""Home visits, the plan's goals and review, and "My work" in a real browser, in
Armenian: a social worker records a home visit from the case page with the next visit
due in 10 days (a visit dated tomorrow is refused beside its date, what she typed kept),
adds a goal to the plan and records its review; ten days and more later, once beat's
sweep sent the reminder, the visit is on her "My work", overdue, linking to the visit
form; her manager's "My work" shows it under her name, the overdue first. Screenshots go
to test-artifacts/visits-*.png.

The visits' own words are looked up in the Armenian catalog as the page shows them (the
English words until the catalog has them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.browser.test_background_work import work_off
from tests.browser.test_case_notes import hy, log_in
from tests.browser.test_casework import PASSWORD
from web.app import create_app
from web.shared import accounts
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.programme.families import AssignCase
from workflow.programme.reminders import ReminderRow, SweepReminders
from workflow.programme.staff import AddStaff
from workflow.programme.visits import HomeVisitRow, PlanReviewRow
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

WORKER = pf.SOCIAL_WORKER
MANAGER = "mgr-lusine"
SEEN = "Երեխաները դպրոց են գնում, տանը տաք է, մայրը փնտրում է աշխատանք"


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve) -> Any:
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    pf.ensure_staff(rt)
    handle(
        rt, AddStaff(username=MANAGER, full_name="Լուսինե Հակոբյան", role="manager", actor="test")
    )
    for username in (WORKER, MANAGER):
        accounts.set_password(rt, username=username, password=PASSWORD)
    case_id = pf.register(rt, actor=WORKER, family_name="Ղազարյան")
    handle(rt, AssignCase(case_id=case_id, actor="test", social_worker=WORKER))
    url = serve(create_app(rt, secret_key="browser-test-secret-0123456789"))
    yield url, rt, clock, case_id
    rt.engine.dispose()


def shot(tab: Any, name: str) -> None:
    tab.page.screenshot(path=str(tab.artifacts / f"visits-{name}.png"), full_page=True)


def count(rt: Any, model: Any) -> int:
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_home_visit_is_reminded_on_my_work_and_the_managers(chromium, site, artifacts):
    url, rt, clock, case_id = site
    today = pf.today(rt)
    context, tab = log_in(chromium, url, artifacts, WORKER)
    page = tab.page

    # A visit dated tomorrow: refused beside its date, the observations kept.
    tab.goto(f"/cases/{case_id}")
    page.locator("#visits").get_by_role("link", name=hy("Record a home visit")).click()
    tab.check()
    assert page.get_by_label("Անահիտ Մարտիրոսյան").is_checked()  # she went, ticked for her
    page.locator("#f-met_members input[type=checkbox]").first.check()
    page.get_by_label(hy("Visited on")).fill(f"{today + timedelta(days=1):%d.%m.%Y}")
    page.get_by_label(hy("Observations")).fill(SEEN)
    tab.submit(hy("Save the visit"), status=422)
    assert page.locator("#f-visited_on-error").inner_text() == hy("This date is in the future.")
    assert page.get_by_label(hy("Observations")).input_value() == SEEN
    shot(tab, "refused")
    assert count(rt, HomeVisitRow) == 0

    # Today, with the next visit due in ten days.
    next_due = today + timedelta(days=10)
    page.get_by_label(hy("Visited on")).fill(f"{today:%d.%m.%Y}")
    page.get_by_label(hy("Next visit due")).fill(f"{next_due:%d.%m.%Y}")
    tab.submit(hy("Save the visit"))
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    visits = page.locator("#visits")
    assert visits.get_by_text(SEEN).is_visible()
    assert page.locator("#timeline").get_by_text(hy("Home visit recorded")).count() == 1
    with rt.session_factory() as session:
        [reminder] = session.scalars(select(ReminderRow)).all()
    assert (reminder.kind, reminder.status) == ("home_visit_due", "scheduled")
    shot(tab, "recorded")

    # A goal for the plan, and its review.
    page.locator("#goals").get_by_role("link", name=hy("Add a goal")).click()
    tab.check()
    page.get_by_label(hy("What the family is to reach")).fill("Մայրը գտնի մշտական աշխատանք")
    page.get_by_label(hy("By when")).fill(f"{today + timedelta(days=120):%d.%m.%Y}")
    tab.submit(hy("Save the goal"))
    assert (
        page.locator("#goals").get_by_role("cell", name="Մայրը գտնի մշտական աշխատանք").is_visible()
    )
    page.locator("#goals").get_by_role("link", name=hy("Record a plan review")).click()
    tab.check()
    page.get_by_label(hy("What was decided")).fill("Մայրն անցնում է վարսահարդարի դասընթաց")
    tab.submit(hy("Save the review"))
    goals = page.locator("#goals")
    assert goals.get_by_text("Մայրն անցնում է վարսահարդարի դասընթաց").is_visible()
    assert page.locator("#timeline").get_by_text(hy("Plan review recorded")).count() == 1
    assert count(rt, PlanReviewRow) == 1
    shot(tab, "reviewed")
    context.close()

    # Eleven days on, beat's sweep sent the reminder: on her "My work", overdue.
    clock.advance(timedelta(days=11))
    handle(rt, SweepReminders())
    work_off(rt)
    context, tab = log_in(chromium, url, artifacts, WORKER)
    page = tab.page
    assert page.locator("#my-work").get_by_text(hy("Home visit due")).is_visible()  # dashboard
    page.get_by_role("link", name=hy("My work"), exact=True).first.click()
    tab.check()
    row = page.locator("#mine tr.work-home_visit")
    assert row.get_by_text(hy("overdue")).is_visible()
    assert row.get_by_role("link", name=hy("Case %(id)s") % {"id": case_id}).is_visible()
    shot(tab, "my-work")
    row.get_by_role("link", name=hy("Open")).click()
    tab.check()
    assert page.url == f"{url}/cases/{case_id}/forms/visit"
    assert page.get_by_role("heading", name=hy("Record a home visit")).is_visible()
    context.close()

    # Her manager sees it under her name, the overdue first.
    context, tab = log_in(chromium, url, artifacts, MANAGER)
    page = tab.page
    tab.goto("/my-work")
    team = page.locator("#team")
    worker = team.locator("section.worker").first
    assert worker.get_by_role("heading").inner_text().startswith("Անահիտ Մարտիրոսյան")
    first = worker.locator("tbody tr").first
    assert "overdue" in (first.get_attribute("class") or "")
    assert worker.locator("tr.work-home_visit").count() == 1
    shot(tab, "team")
    context.close()
