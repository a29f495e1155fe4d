"""Correcting a family's file in a real browser, in Armenian, as a social worker does it:
a phone typed wrong is refused beside its field with what was typed kept, then
corrected; a member is added, and Back and save again adds them once; both changes are
on the timeline with before and after; a child renamed to a child of another open case
brings the possible-duplicate warning and is saved only once the box is ticked; a member
removed is asked a reason and stays in the file's history; a consent withdrawal first
says that the case will close. Screenshots go to test-artifacts/family-*.png.

The corrections' own words are looked up in the Armenian catalog as the page shows them
(the English words until the catalog has them); the rest is matched in Armenian."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.browser.test_casework import PASSWORD
from tests.browser.test_intake import Tab
from web.app import create_app
from web.shared import accounts
from web.shared.i18n import translations
from workflow.persistence.models import CaseRow
from workflow.programme import families
from workflow.programme.families import MemberRow

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ALREADY_SAVED = "Այս ձևն արդեն պահպանվել էր"


def hy(msgid: str, **values: Any) -> str:
    text = translations("hy").gettext(msgid)
    return text % values if values else text


@pytest.fixture
def site(clean_db, clean_redis, runtime_for, serve) -> Any:
    rt = runtime_for(clean_db, clean_redis)
    pf.ensure_staff(rt)
    accounts.set_password(rt, username=pf.SOCIAL_WORKER, password=PASSWORD)
    other = pf.register(rt, family_name="Ավետիսյան", phone="+374 94 000001")
    case_id = pf.register(rt, family_name="Դավթյան", phone="+374 94 000002")
    url = serve(create_app(rt, secret_key="browser-test-secret-0123456789"))
    yield url, rt, case_id, other
    rt.engine.dispose()


def log_in(browser: Any, url: str, artifacts: Any) -> tuple[Any, Tab]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    tab = Tab(context, url, artifacts)
    tab.goto("/login")
    tab.page.get_by_label("Օգտանուն").fill(pf.SOCIAL_WORKER)
    tab.page.get_by_label("Գաղտնաբառ").fill(PASSWORD)
    tab.page.get_by_role("button", name="Մուտք").click()
    tab.page.wait_for_url(url + "/")
    tab.check()
    return context, tab


def shot(tab: Tab, name: str) -> None:
    tab.page.screenshot(path=str(tab.artifacts / f"family-{name}.png"), full_page=True)


def named(rt: Any, case_id: int, name: str) -> int:
    with rt.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(MemberRow)
                .where(MemberRow.full_name == name, MemberRow.removed_at.is_(None))
            )
            or 0
        )


def test_a_social_worker_corrects_the_family_file(chromium, site, artifacts):
    url, rt, case_id, other = site
    context, tab = log_in(chromium, url, artifacts)
    page = tab.page
    tab.goto(f"/cases/{case_id}")

    # The phone, typed wrong: refused beside the field, what was typed kept.
    page.get_by_role("link", name=hy("Edit the family's details")).click()
    tab.check()
    phone = page.get_by_label("Հեռախոս")
    assert phone.input_value() == "+374 94 000002"
    phone.fill("09l-12-34")
    tab.submit(hy("Save"), status=422)
    assert page.locator("#f-phone-error").is_visible()
    assert phone.input_value() == "09l-12-34"
    assert page.get_by_label("Հեռախոս").get_attribute("aria-invalid") == "true"
    shot(tab, "phone-refused")
    page.get_by_label("Հեռախոս").fill("+374 93 000111")
    tab.submit(hy("Save"))
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    assert families.family_view(rt, case_id=case_id)["phone"] == "+374 93 000111"

    # A member added; Back and save again adds them once.
    page.get_by_role("link", name=hy("Add a household member")).click()
    tab.check()
    page.get_by_label("Անուն, ազգանուն").fill("Արամ Դավթյան")
    page.get_by_label("Դերը ընտանիքում").select_option("child")
    page.get_by_label("Ծննդյան ամսաթիվ").fill("03.02.2019")
    tab.submit(hy("Save"))
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    page.go_back()
    tab.check()
    assert page.get_by_label("Անուն, ազգանուն").input_value() == "Արամ Դավթյան"
    page.get_by_label("Ծննդյան ամսաթիվ").fill("03.02.2019")  # dates are not restored
    tab.submit(hy("Save"))
    assert page.get_by_text(ALREADY_SAVED).is_visible()
    assert named(rt, case_id, "Արամ Դավթյան") == 1

    # Both on the timeline, with before and after.
    timeline = page.locator(".timeline")
    phone_change = timeline.locator("li.change", has_text="+374 93 000111")
    assert phone_change.locator("del").inner_text() == "+374 94 000002"
    assert phone_change.locator("ins").inner_text() == "+374 93 000111"
    assert timeline.get_by_text(hy("Household member added")).count() == 1
    assert timeline.locator(".member-change", has_text="Արամ Դավթյան").count() == 1
    shot(tab, "timeline")

    # A child renamed to a child of another open case: warned, saved once ticked.
    page.get_by_role("link", name=hy("Correct %(name)s", name="Նարե Դավթյան")).click()
    tab.check()
    page.get_by_label("Անուն, ազգանուն").fill("Նարե Ավետիսյան")
    tab.submit(hy("Save"), status=422)
    warning = page.locator(".duplicates")
    assert warning.is_visible()
    assert warning.get_by_role("link", name="Ավետիսյան").get_attribute("href") == (
        f"/cases/{other}"
    )
    assert page.get_by_label("Անուն, ազգանուն").input_value() == "Նարե Ավետիսյան"
    assert named(rt, case_id, "Նարե Ավետիսյան") == 1  # only the other family's child
    shot(tab, "possible-duplicate")
    page.get_by_label(hy("I checked these cases: save this change anyway")).check()
    tab.submit(hy("Save"))
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    assert named(rt, case_id, "Նարե Ավետիսյան") == 2
    change = page.locator(".timeline li.change", has_text="Նարե Ավետիսյան").first
    assert change.locator("del").inner_text() == "Նարե Դավթյան"

    # Removing a member asks why, and keeps them in the history.
    page.get_by_role(
        "link", name=hy("Remove %(name)s from the household", name="Արամ Դավթյան")
    ).click()
    tab.check()
    tab.submit(hy("Remove from the household"), status=422)
    assert page.locator("#f-reason-error").is_visible()
    page.get_by_label(hy("Why they leave the household")).fill("Ապրում է տատիկի մոտ")
    tab.submit(hy("Remove from the household"))
    assert named(rt, case_id, "Արամ Դավթյան") == 0
    household = page.locator("#family table.data")
    assert household.get_by_text("Արամ Դավթյան").count() == 0
    removed = page.locator(".removed-members")
    assert removed.get_by_text("Ապրում է տատիկի մոտ", exact=False).is_visible()
    assert page.locator(".timeline").get_by_text(hy("Household member removed")).count() == 1
    shot(tab, "removed")

    # Withdrawing the consent says first that the case will close.
    pf.consent(rt, case_id)
    tab.goto(f"/cases/{case_id}")
    page.get_by_role("link", name=hy("Withdraw consent")).click()
    tab.check()
    page.get_by_label(hy("What the family said")).fill("Տեղափոխվում են Երևան")
    tab.submit(hy("Next: check what will happen"))
    closing = hy("The case will be closed (now: %(state)s).", state="@").split("@")[0]
    assert page.get_by_text(closing, exact=False).is_visible()
    assert page.get_by_text(hy("Nothing is saved yet.")).is_visible()
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "referred"
    shot(tab, "withdrawal-check")
    tab.submit(hy("Close the case and withdraw consent"))
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "closed"
    context.close()
