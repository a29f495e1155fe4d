"""The administration in a real browser, in Armenian: an admin adds a social worker with a
temporary password; she logs in with it, can open nothing but the change of password, is
refused a weak one beside its field, then chooses her own and reaches her dashboard; the
admin finds all of it on /admin/history with who and when, changes a partner's e-mail
and sees it before and after; a manager and a social worker opening /admin are refused
(403). Screenshots go to test-artifacts/admin-*.png.

The administration's own words are looked up in the Armenian catalog as the page shows
them (the English words until the catalog has them); everything else is in Armenian."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.browser.test_casework import PASSWORD
from tests.browser.test_intake import Tab
from web.app import create_app
from web.shared import accounts
from web.shared.i18n import translations
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.programme.referrals import list_partners
from workflow.programme.referrals.models import PartnerRow
from workflow.programme.staff import AddStaff, StaffRow
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ADMIN, MANAGER, WORKER = "aram.p", "lusine.h", "karen.h"
NEWCOMER = "lilit.g"
PARTNER = "kotayk_rights"
OWN_PASSWORD = "Կոտայք-2026-մեր-ծրագիրը"


def hy(msgid: str) -> str:
    return translations("hy").gettext(msgid)


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve) -> Any:
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    for username, full_name, role in (
        (ADMIN, "Արամ Պետրոսյան", "admin"),
        (MANAGER, "Լուսինե Հակոբյան", "manager"),
        (WORKER, "Կարեն Հարությունյան", "social_worker"),
    ):
        handle(rt, AddStaff(username=username, full_name=full_name, role=role, actor="test"))
        accounts.set_password(rt, username=username, password=PASSWORD)
    # Partners are reference data the database keeps between tests: put its e-mail back.
    original = {p["code"]: p for p in list_partners(rt)}[PARTNER]["email"]
    url = serve(create_app(rt, secret_key="browser-test-secret-0123456789"))
    yield url, rt
    with rt.session_factory() as session:
        session.execute(update(PartnerRow).where(PartnerRow.code == PARTNER).values(email=original))
        session.commit()
    rt.engine.dispose()


def log_in(browser: Any, url: str, artifacts: Any, username: str, password: str) -> Tab:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    tab = Tab(context, url, artifacts)
    tab.goto("/login")
    tab.page.get_by_label("Օգտանուն").fill(username)
    tab.page.get_by_label("Գաղտնաբառ").fill(password)
    tab.page.get_by_role("button", name="Մուտք").click()
    tab.check()
    return tab


def shot(tab: Tab, name: str) -> None:
    tab.page.screenshot(path=str(tab.artifacts / f"admin-{name}.png"), full_page=True)


def test_an_admin_adds_a_colleague_who_must_change_her_temporary_password(
    chromium, site, artifacts
):
    url, rt = site

    # The admin adds a social worker of Hrazdan, with a temporary password.
    admin = log_in(chromium, url, artifacts, ADMIN, PASSWORD)
    page = admin.page
    page.get_by_role("link", name=hy("Administration")).click()
    admin.check()
    page.get_by_role("link", name=hy("Add a staff member")).click()
    admin.check()
    page.get_by_label(hy("Username")).fill(NEWCOMER)
    page.get_by_label(hy("Full name")).fill("Լիլիթ Գրիգորյան")
    page.get_by_label(hy("Role")).select_option("social_worker")
    page.get_by_label(hy("E-mail")).fill("lilit@hogatar.example")
    page.get_by_label(hy("Phone")).fill("+374 93 111222")
    page.get_by_label("Հրազդան").check()
    page.get_by_label(hy("Their first password")).select_option("temporary")
    shot(admin, "new-staff")
    admin.submit(hy("Add the staff member"))
    temporary = page.locator("#temporary-password").inner_text().strip()
    assert len(temporary) == 14
    shot(admin, "temporary-password")
    # Her page: every form labelled (Tab.check), her communities ticked.
    page.get_by_role("link", name=hy("Back to %(name)s") % {"name": "Լիլիթ Գրիգորյան"}).click()
    admin.check()
    assert page.get_by_label("Հրազդան").is_checked()
    assert not page.get_by_label("Աբովյան").is_checked()
    shot(admin, "staff-member")
    for path in ("/admin/partners/new", "/admin/communities", "/admin/programme"):
        admin.goto(path)

    # She logs in with it: only the change of password opens.
    newcomer = log_in(chromium, url, artifacts, NEWCOMER, temporary)
    mine = newcomer.page
    assert mine.url == url + "/account/password"
    assert mine.get_by_text(
        hy("You logged in with a temporary password. Choose a password of your own to continue.")
    ).is_visible()
    newcomer.goto("/cases")
    assert mine.url == url + "/account/password"
    # A weak one is refused beside its field.
    mine.get_by_label(hy("Temporary password")).fill(temporary)
    mine.locator("#f-password").fill("կարճ")
    mine.get_by_label(hy("New password again")).fill("կարճ")
    newcomer.submit(hy("Save the new password"), status=422)
    error = mine.locator("#f-password-error")
    assert error.inner_text() == hy(
        "The password is too short: at least %(minimum)s characters."
    ) % {"minimum": "10"}
    shot(newcomer, "weak-password")
    with rt.session_factory() as session:
        row = session.scalar(select(StaffRow).where(StaffRow.username == NEWCOMER))
        assert row.must_change_password
    # Her own: then her dashboard.
    mine.get_by_label(hy("Temporary password")).fill(temporary)
    mine.locator("#f-password").fill(OWN_PASSWORD)
    mine.get_by_label(hy("New password again")).fill(OWN_PASSWORD)
    newcomer.submit(hy("Save the new password"))
    assert mine.url == url + "/"
    assert mine.locator(".who").get_by_text("Լիլիթ Գրիգորյան").is_visible()
    newcomer.goto("/cases")
    assert mine.url.startswith(url + "/cases")
    shot(newcomer, "dashboard")

    # The history shows who did what, and when.
    admin.goto("/admin/history")
    rows = page.locator("tr.change")
    assert rows.count() >= 3
    newest = rows.nth(0)
    assert newest.locator(".who").inner_text() == "Լիլիթ Գրիգորյան"
    assert hy("Password changed") in newest.inner_text()
    assert newest.locator("time").get_attribute("datetime")
    added = page.locator("tr.change", has_text=hy("Added")).filter(has_text=NEWCOMER)
    assert added.locator(".who").inner_text() == "Արամ Պետրոսյան"
    assert "Հրազդան" in added.locator(".after").inner_text()  # the community by its name
    # Filtered by who: only the admin's changes.
    page.get_by_label(hy("Who")).select_option(ADMIN)
    admin.submit(hy("Show"))
    assert page.locator("tr.change .who", has_text="Լիլիթ Գրիգորյան").count() == 0
    assert page.locator("tr.change").count() == 2  # added, temporary password
    shot(admin, "history")

    # The admin corrects a partner's e-mail; the history says before and after.
    admin.goto("/admin/partners")
    before = {p["code"]: p for p in list_partners(rt)}[PARTNER]["email"]
    page.get_by_role(
        "link", name="Ընտանիքների, կանանց և երեխաների իրավունքների պաշտպանության բաժին, Կոտայք"
    ).click()
    admin.check()
    page.get_by_label(hy("E-mail for referrals")).fill("not-an-address")
    admin.submit(hy("Save the partner"), status=422)
    assert page.locator("#f-email-error").inner_text() == hy("This is not an e-mail address.")
    assert page.get_by_label(hy("E-mail for referrals")).input_value() == "not-an-address"
    page.get_by_label(hy("E-mail for referrals")).fill("children.kotayk@partners.hogatar.example")
    admin.submit(hy("Save the partner"))
    admin.goto("/admin/history?area=partner")
    change = page.locator("tr.change").nth(0)
    assert change.locator(".who").inner_text() == "Արամ Պետրոսյան"
    assert before in change.locator(".before").inner_text()
    assert "children.kotayk@partners.hogatar.example" in change.locator(".after").inner_text()
    shot(admin, "partner-history")

    # A manager and a social worker are refused the staff administration.
    for username in (MANAGER, WORKER):
        other = log_in(chromium, url, artifacts, username, PASSWORD)
        response = other.page.goto(url + "/admin")
        other.check(status=403)
        assert response is not None and response.status == 403
        assert other.page.get_by_text(hy("Your role does not allow this.")).is_visible()
        assert other.page.get_by_role("link", name=hy("Add a staff member")).count() == 0
