"""Scoped access in a real browser, in Armenian, on PostgreSQL: a social worker of Hrazdan
finds her own family and, among all cases, a colleague's open case of Hrazdan, which
opens read-only (the page says so and offers no step, no form, no note); a case of
another community is not on any list, not found by a search, and its address answers
"not found" on the page and in the API, exactly as a number that never existed; her
manager opens all three. Screenshots go to test-artifacts/scope-*.png."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests import programme_fixtures as pf
from tests.browser.test_case_notes import log_in
from tests.browser.test_casework import PASSWORD
from web.app import create_app
from web.shared import accounts
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.programme.staff import AddStaff, SetStaffCommunities
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

WORKER, COLLEAGUE, MANAGER = "anahit.m", "karen.h", "lusine.h"
OWN, COMMUNITY, OTHER = "Ավետիքյան", "Բաբայան", "Գալստյան"
NOT_FOUND = "Ձեր որոնածը գոյություն չունի"
READ_ONLY = "Սա Ձեր համայնքի գործընկերոջ դեպքն է"


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve) -> Any:
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    for username, full_name, role in (
        (WORKER, "Անահիտ Մարտիրոսյան", "social_worker"),
        (COLLEAGUE, "Կարեն Հարությունյան", "social_worker"),
        (MANAGER, "Լուսինե Հակոբյան", "manager"),
    ):
        handle(rt, AddStaff(username=username, full_name=full_name, role=role, actor="test"))
        accounts.set_password(rt, username=username, password=PASSWORD)
    handle(rt, SetStaffCommunities(username=WORKER, communities=("hrazdan",), actor="test"))
    cases = {
        OWN: pf.register(rt, actor=WORKER, family_name=OWN, community="abovyan"),
        COMMUNITY: pf.register(
            rt, actor=COLLEAGUE, family_name=COMMUNITY, community="hrazdan", phone="+374 91 700002"
        ),
        OTHER: pf.register(
            rt, actor=COLLEAGUE, family_name=OTHER, community="charentsavan", phone="+374 91 700003"
        ),
    }
    url = serve(create_app(rt, secret_key="browser-test-secret-0123456789"))
    yield url, cases
    rt.engine.dispose()


def shot(tab: Any, name: str) -> None:
    tab.page.screenshot(path=str(tab.artifacts / f"scope-{name}.png"), full_page=True)


def test_a_social_worker_reads_her_community_and_never_sees_elsewhere(chromium, site, artifacts):
    url, cases = site
    context, tab = log_in(chromium, url, artifacts, WORKER)
    page = tab.page

    tab.goto("/cases")  # her own caseload
    results = page.locator("main")
    assert results.get_by_role("link", name=OWN).is_visible()
    assert COMMUNITY not in page.content() and OTHER not in page.content()
    tab.goto("/cases?worker=&state=all")  # every case she may read
    assert results.get_by_role("link", name=COMMUNITY).is_visible()
    assert OTHER not in page.content()
    shot(tab, "all-cases")
    tab.goto(f"/cases?q={OTHER}&worker=&state=all")  # searching by name finds nothing
    assert page.get_by_role("link", name=OTHER).count() == 0
    assert page.locator("#f-q").input_value() == OTHER  # what she typed stays

    # The colleague's case of Hrazdan: read, with nothing to change.
    tab.goto("/cases?worker=&state=all")
    page.get_by_role("link", name=COMMUNITY).click()
    tab.check()
    assert page.get_by_text(READ_ONLY).is_visible()
    assert page.locator("form[action*='/transitions/']").count() == 0
    assert page.locator("a[href*='/forms/']").count() == 0
    assert page.locator("a[href$='/notes/new']").count() == 0
    shot(tab, "read-only")

    # Elsewhere: the page, the API and a number that never existed answer alike.
    answer = page.goto(f"{url}/cases/{cases[OTHER]}")
    tab.check(404)
    assert answer is not None and answer.status == 404
    assert page.get_by_text(NOT_FOUND).is_visible() and OTHER not in page.content()
    shot(tab, "elsewhere")
    never = page.goto(f"{url}/cases/{cases[OTHER] + 1000}")
    tab.check(404)
    assert never is not None and never.status == 404
    api = page.request.get(f"{url}/api/v1/cases/{cases[OTHER]}")
    assert api.status == 404 and api.json()["type"] == "urn:hogatar:problem:not-found"
    assert OTHER not in api.text()

    # In English too, the page says why nothing can be changed.
    tab.goto(f"/cases/{cases[COMMUNITY]}")
    page.get_by_role("button", name="English").click()
    tab.language = "en"
    tab.check()
    assert page.get_by_text("This is a colleague's case of your community").is_visible()
    context.close()

    # Her manager reads all three.
    context, tab = log_in(chromium, url, artifacts, MANAGER)
    for name, case_id in cases.items():
        tab.goto(f"/cases/{case_id}")
        assert tab.page.get_by_role("heading", level=1).inner_text().endswith(name)
        assert tab.page.get_by_text(READ_ONLY).count() == 0
    context.close()
