"""A manager works through what the background work left for them, in the Armenian
interface in a real browser: acknowledges a social worker's overdue reminder, is refused
an approval over budget, then approves the family's school supplies. Any console error
fails the test; the new pages are saved as screenshots in test-artifacts/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import programme_fixtures as pf
from tests.browser.test_casework import PASSWORD, Session
from web.app import create_app
from web.shared import accounts
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.delivery import deliver_effect
from workflow.notifications import MemoryMailer
from workflow.persistence.models import OutboxRow
from workflow.programme import procurement as programme_procurement
from workflow.programme import reminders as programme_reminders
from workflow.programme.families import AssignCase
from workflow.programme.reminders import SweepReminders
from workflow.programme.staff import AddStaff
from workflow.runtime import Runtime
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def work_off(rt: Runtime) -> None:
    """Do what a worker would with every effect not done yet (no worker runs here)."""
    while True:
        with rt.session_factory() as session:
            waiting = session.scalars(
                select(OutboxRow.id)
                .where(OutboxRow.status.in_(("pending", "published")))
                .order_by(OutboxRow.id)
            ).all()
        if not waiting:
            return
        for outbox_id in waiting:
            deliver_effect(rt, outbox_id=outbox_id, task_id=f"outbox-{outbox_id}")


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve) -> tuple[str, Runtime]:
    # A clock the test moves (reminders fall due days later); mails kept in memory.
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=13))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    pf.ensure_staff(rt)
    handle(
        rt,
        AddStaff(username="lusine.h", full_name="Լուսինե Հակոբյան", role="manager", actor="test"),
    )
    accounts.set_password(rt, username="lusine.h", password=PASSWORD)
    # A social worker's assessed family: its enrolment decision is overdue and escalated.
    reminded = pf.register(rt, family_name="Մելքոնյան", phone="+374 91 000101")
    handle(rt, AssignCase(case_id=reminded, actor="test", social_worker=pf.SOCIAL_WORKER))
    pf.bring_to(rt, reminded, "assessed")
    work_off(rt)
    for days in (8, 4):
        clock.advance(timedelta(days=days))
        handle(rt, SweepReminders())
        work_off(rt)
    # A family receiving services: referred on enrolment, school supplies requested.
    pf.case_in(rt, "receiving_services", family_name="Սարգսյան", phone="+374 91 000102")
    work_off(rt)
    yield serve(create_app(rt, secret_key="browser-test-secret-0123456789")), rt
    rt.engine.dispose()


def test_a_manager_acknowledges_a_reminder_and_approves_goods(chromium, site, artifacts):
    url, rt = site
    [reminder] = programme_reminders.list_reminders(rt, status="escalated")
    [request] = programme_procurement.list_procurement(rt, status="requested")
    manager = Session(chromium, url, artifacts)
    page = manager.page
    manager.login_by_keyboard("lusine.h")
    assert page.get_by_role("heading", name="Ժամկետանց հիշեցումներ").is_visible()
    manager.shot("dashboard-background-work")

    # The team's overdue reminder, highlighted, acknowledged from the menu's page.
    page.get_by_role("link", name="Հիշեցումներ", exact=True).click()
    manager.check()
    row = page.locator(f"#reminder-{reminder['id']}")
    assert "overdue" in (row.get_attribute("class") or "")
    assert row.get_by_text("Անահիտ Մարտիրոսյան").is_visible()
    manager.shot("reminders")
    manager.submit(f"Ընդունել ի գիտություն հիշեցում {reminder['id']}")
    assert page.get_by_text("Հիշեցումն ընդունված է ի գիտություն").is_visible()
    [done] = programme_reminders.list_reminders(rt, case_id=reminder["case_id"])
    assert (done["status"], done["acknowledged_by"]) == ("acknowledged", "lusine.h")

    # The referral made on enrolment, on the board.
    page.get_by_role("link", name="Ուղեգրումներ", exact=True).click()
    manager.check()
    page.locator("#status-sent").click()  # the board's sent referrals
    manager.check()
    assert page.locator("#results").get_by_text("Սարգսյան").is_visible()
    manager.shot("referrals")

    # Over budget: refused with the amount, and what was typed is kept.
    page.get_by_role("link", name="Գնումներ", exact=True).click()
    manager.check()
    manager.shot("procurement")
    page.get_by_label("Գումար՝ դրամով (AMD)").fill("7 000 000")
    manager.submit(f"Հաստատել հայտ {request['id']}", status=422)
    assert page.locator(".alert.error").inner_text().startswith("Բյուջեն գերազանցված է")
    amount = page.get_by_label("Հաստատված գումար՝ դրամով (AMD)")
    assert amount.input_value() == "7 000 000"
    assert amount.get_attribute("aria-invalid") == "true"
    assert "6\xa0000\xa0000 ֏" in page.locator("#f-amount_amd-error").inner_text()
    manager.shot("procurement-over-budget")
    amount.fill("42 000")
    manager.submit("Հաստատել")
    assert page.get_by_text("Գնման հայտը հաստատված է").is_visible()
    [approved] = programme_procurement.list_procurement(rt, case_id=request["case_id"])
    assert (approved["status"], approved["amount_amd"]) == ("approved", 42_000)

    # The case page: its referral, goods and the activity on the timeline.
    manager.goto(f"/cases/{request['case_id']}")
    assert page.locator("#procurement .status").inner_text() == "հաստատված"
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("Գնման հայտը հաստատվեց").is_visible()
    assert timeline.get_by_text("Ուղեգրումն ուղարկվեց գործընկերոջը").is_visible()
    assert re.search(r"/task/outbox-\d+", timeline.inner_html())
    manager.shot("case-background-work")
    manager.close()
