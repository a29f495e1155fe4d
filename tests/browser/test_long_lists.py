"""Long lists in the Armenian interface, in a real browser: a manager filters the referrals
board by status and worker, pages forward, presses Back and finds the previous page with
its filters, opens the bookmarked address, and types a date the wrong way round; exports
the caseload of one community and reads the CSV rows back; asks the reports for a
period. On the demo data the referrals board and the procurement queue fit in a few
screens."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import programme_fixtures as pf
from tests.browser.test_background_work import work_off
from tests.browser.test_casework import PASSWORD, Session
from tests.web.test_long_lists import (
    caseload_in_two_communities,
    community_id,
    staff_id,
    two_families_referred,
)
from web.app import create_app
from web.shared import accounts
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.programme import referrals as programme_referrals
from workflow.programme.demo import seed_demo
from workflow.programme.privacy import AccessLogRow
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
MANAGER = "lusine.h"
SECRET = "browser-test-secret-0123456789"
REFERRAL_ROWS = "tr[id^=referral-]"
#: The height a page of 25 rows stays under (it was 8,600 px for the referrals board and
#: 7,000 px for the procurement queue on the demo data when they listed everything).
PAGE_HEIGHT = 5_500


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve):
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    pf.ensure_staff(rt)
    handle(rt, AddStaff(username=MANAGER, full_name="Լուսինե Հակոբյան", role="manager", actor="t"))
    accounts.set_password(rt, username=MANAGER, password=PASSWORD)
    yield serve(create_app(rt, secret_key=SECRET)), rt
    rt.engine.dispose()


def test_the_board_filtered_paged_and_back_with_its_filters(chromium, site, artifacts):
    url, rt = site
    first, _ = two_families_referred(rt, deliver=lambda: work_off(rt))
    worker_id = staff_id(rt, pf.SOCIAL_WORKER)
    manager = Session(chromium, url, artifacts)
    page = manager.page
    manager.login_by_keyboard(MANAGER)
    page.get_by_role("link", name="Ուղեգրումներ", exact=True).click()
    manager.check()
    assert page.locator(REFERRAL_ROWS).count() == 25

    # Sent referrals of one social worker: thirty, the first 25 on this page.
    page.get_by_label("Կարգավիճակ", exact=True).select_option("sent")
    page.get_by_label("Աշխատող").select_option(label="Անահիտ Մարտիրոսյան")
    manager.submit("Ցույց տալ")
    assert f"status=sent&worker={worker_id}" in page.url
    first_page = page.locator(REFERRAL_ROWS).evaluate_all("rows => rows.map(r => r.id)")
    assert len(first_page) == 25
    manager.shot("referrals-filtered")

    page.get_by_role("link", name="Հաջորդ էջ").click()
    manager.check()
    assert re.search(rf"status=sent&worker={worker_id}&page=2$", page.url)
    second_page = page.locator(REFERRAL_ROWS).evaluate_all("rows => rows.map(r => r.id)")
    assert len(second_page) == 5 and not set(second_page) & set(first_page)
    page2_url = page.url

    # Back: the previous page, with its filters still chosen.
    page.go_back()
    manager.check()
    assert f"status=sent&worker={worker_id}" in page.url and "page=" not in page.url
    assert page.locator(REFERRAL_ROWS).evaluate_all("rows => rows.map(r => r.id)") == first_page
    assert page.get_by_label("Կարգավիճակ", exact=True).input_value() == "sent"
    assert page.get_by_label("Աշխատող").input_value() == str(worker_id)

    # The second page's address, opened as a bookmark.
    bookmark = Session(chromium, url, artifacts)
    bookmark.login_by_keyboard(MANAGER)
    bookmark.goto(page2_url.removeprefix(url))
    assert bookmark.page.locator(REFERRAL_ROWS).evaluate_all("r => r.map(x => x.id)") == (
        second_page
    )
    bookmark.close()

    # A date month first: refused beside its field, what was typed kept, the rest kept.
    page.locator("#f-from").fill("03/15/2026")
    manager.submit("Ցույց տալ", status=422)
    message = page.locator("#f-from-error")
    assert message.is_visible() and "Սա ամսաթիվ չէ" in message.inner_text()
    assert page.locator("#f-from").input_value() == "03/15/2026"
    assert page.get_by_label("Կարգավիճակ", exact=True).input_value() == "sent"
    assert page.locator(REFERRAL_ROWS).count() == 25  # the list without the wrong date
    manager.shot("referrals-wrong-date")
    # The day first: all of them are from today.
    page.locator("#f-from").fill(pf.today(rt).strftime("%d.%m.%Y"))
    manager.submit("Ցույց տալ")
    assert page.locator(REFERRAL_ROWS).count() == 25
    assert page.locator("#f-from-error").count() == 0
    manager.close()
    # The two pages together: the social worker's family's thirty referrals, each once.
    assert sorted(first_page + second_page) == sorted(
        f"referral-{r['id']}" for r in programme_referrals.list_referrals(rt, case_id=first)
    )


def test_the_caseload_of_a_community_exported_and_read_back(chromium, site, artifacts):
    url, rt = site
    _, abovyan = caseload_in_two_communities(rt)
    manager = Session(chromium, url, artifacts)
    page = manager.page
    manager.login_by_keyboard(MANAGER)
    manager.goto("/cases")
    page.get_by_label("Համայնք").select_option(label="Աբովյան")
    page.wait_for_url(re.compile(rf"community={community_id(rt, 'abovyan')}"))
    page.get_by_label("Փուլ").select_option("all")
    page.wait_for_url(re.compile(r"state=all"))
    page.wait_for_load_state("networkidle")
    listed = page.locator("#results tbody tr")
    assert listed.count() == 2
    manager.shot("caseload-abovyan")
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    saved = Path(download.value.path())
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(int(row["case_id"]) for row in rows) == sorted(abovyan)
    assert {row["community"] for row in rows} == {"Աբովյան"}
    assert {row["family_name"] for row in rows} == {"Աբովյանցի", "Մանուկյան"}
    with rt.session_factory() as session:
        [logged] = session.query(AccessLogRow).filter(AccessLogRow.kind == "export_cases").all()
    assert logged.actor == MANAGER and logged.detail.startswith("cases.csv: 2 case(s)")
    manager.close()


def test_the_reports_refuse_a_date_beside_its_field(chromium, site, artifacts):
    url, rt = site
    pf.register(rt, family_name="Սարգսյան")
    manager = Session(chromium, url, artifacts)
    page = manager.page
    manager.login_by_keyboard(MANAGER)
    page.get_by_role("link", name="Հաշվետվություններ").click()
    manager.check()
    today = pf.today(rt).strftime("%d.%m.%Y")
    assert page.locator("#f-to").input_value() == today  # the period ends today
    page.locator("#f-from").fill("31.02.2026")
    manager.submit("Ցույց տալ", status=422)
    assert "Սա ամսաթիվ չէ" in page.locator("#f-from-error").inner_text()
    assert page.locator("#f-from").input_value() == "31.02.2026"
    page.locator("#f-from").fill((pf.today(rt) - timedelta(days=7)).strftime("%d.%m.%Y"))
    manager.submit("Ցույց տալ")
    link = page.locator("a[href^='/reports/states.csv']")
    assert "from=" in (link.get_attribute("href") or "")
    manager.close()


@pytest.fixture
def demo_site(clean_db, clean_redis, settings_for, serve):
    settings = settings_for(clean_db, clean_redis)
    seed_demo(settings, families=40)
    rt = bootstrap(settings, mailer=MemoryMailer())
    work_off(rt)
    accounts.set_password(rt, username="admin", password=PASSWORD)
    yield serve(create_app(rt, secret_key=SECRET)), rt
    rt.engine.dispose()


def test_on_the_demo_data_the_long_lists_fit_in_a_few_screens(chromium, demo_site, artifacts):
    url, rt = demo_site
    admin = Session(chromium, url, artifacts)
    admin.login_by_keyboard("admin")
    heights = {}
    for path in ("/referrals", "/procurement"):
        admin.goto(path)
        heights[path] = admin.page.evaluate("document.body.scrollHeight")
    print("page heights on the demo data:", heights)
    assert all(height < PAGE_HEIGHT for height in heights.values()), heights
    # More than a page of referrals: the board links the next one.
    assert (
        admin.page.goto(url + "/referrals")
        and admin.page.get_by_role("link", name="Հաջորդ էջ").is_visible()
    )
    admin.close()
