"""The printable case summary in a real browser, in Armenian: a social worker opens it
from her family's case page; printed (print media emulated) it shows the family, the
household with the child's health notes masked for her role, the assessment's criteria
and the running head with the case number, without the navigation, the buttons or the
language form; Chromium makes an A4 PDF of it (test-artifacts/summary.pdf, more than one
page; its viewer's picture in summary-pdf.png shows the running head on each page and
"page / pages" at its foot); the print button opens the browser's print; switched to English
the same summary is in English.

Its own words are looked up in the Armenian catalog as the page shows them (the English
words until the catalog has them); everything else is matched in Armenian."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests import programme_fixtures as pf
from tests.browser.test_case_notes import log_in
from tests.browser.test_casework import PASSWORD
from web.app import create_app
from web.shared import accounts
from web.shared.i18n import translations
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.programme.families import AssignCase, MemberInput
from workflow.programme.notes import AddNote
from workflow.programme.plans import DeliverService, PlannedServiceRow, PlanService
from workflow.programme.privacy import AccessLogRow
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

WORKER, PSYCHOLOGIST = "anahit.m", "gohar.s"
HEALTH = "Ասթմա, ինհալյատոր ամեն առավոտ"
#: Twelve notes: the summary shows the ten newest, and they take it onto a second page.
NOTE = (
    "Այցելություն տուն. մայրը պատմեց, թե ինչպես է անցել շաբաթը, երեխաները հաճախում են "
    "դպրոց, ընտանիքը ստացել է դպրոցական պարագաները և հագուստը, քննարկեցինք հաջորդ քայլերը "
    "և մասնագիտական դասընթացի հնարավորությունը մոր համար"
)
#: A4 (210 x 297 mm) in PostScript points; Chromium rounds its MediaBox up a little.
A4_POINTS = (595.3, 841.9)
#: A4's width inside the print stylesheet's margins (210 - 2 x 15 mm) in CSS pixels.
A4_CONTENT_PX = round(180 / 25.4 * 96)


def hy(msgid: str) -> str:
    return translations("hy").gettext(msgid)


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve) -> Any:
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    for username, full_name, role in (
        (WORKER, "Անահիտ Մարտիրոսյան", "social_worker"),
        (PSYCHOLOGIST, "Գոհար Սահակյան", "psychologist"),
    ):
        handle(rt, AddStaff(username=username, full_name=full_name, role=role, actor="test"))
        accounts.set_password(rt, username=username, password=PASSWORD)
    members = (
        MemberInput(role="mother", full_name="Լուսինե Ավետիսյան", date_of_birth=date(1988, 3, 9)),
        MemberInput(
            role="child",
            full_name="Դավիթ Ավետիսյան",
            date_of_birth=date(2015, 6, 20),
            health_notes=HEALTH,
        ),
    )
    case_id = pf.register(rt, actor=WORKER, family_name="Ավետիսյան", members=members)
    handle(
        rt,
        AssignCase(case_id=case_id, actor="test", social_worker=WORKER, psychologist=PSYCHOLOGIST),
    )
    pf.assess(rt, case_id, assessor=WORKER)
    handle(
        rt,
        PlanService(
            case_id=case_id,
            actor=WORKER,
            service="school_supplies",
            target_date=pf.today(rt) + timedelta(days=20),
            provider_staff=WORKER,
        ),
    )
    with rt.session_factory() as session:
        service_id = session.scalar(
            select(PlannedServiceRow.id).where(PlannedServiceRow.case_id == case_id)
        )
    handle(
        rt,
        DeliverService(
            planned_service_id=service_id,
            actor=WORKER,
            delivered_on=pf.today(rt) - timedelta(days=2),
            quantity=2,
            cost_amd=18000,
        ),
    )
    for days_ago in range(12):
        handle(
            rt,
            AddNote(
                case_id=case_id,
                kind="observation",
                noted_on=pf.today(rt) - timedelta(days=days_ago * 7),
                text=f"{NOTE} ({days_ago + 1})",
                actor=WORKER,
            ),
        )
    url = serve(create_app(rt, secret_key="browser-test-secret-0123456789"))
    yield url, rt, case_id
    rt.engine.dispose()


def _pages_and_boxes(pdf: bytes) -> tuple[int, list[tuple[float, float]]]:
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    boxes = [
        (float(w), float(h))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    ]
    return pages, boxes


def test_the_summary_printed_on_a4_in_armenian_then_in_english(chromium, site, artifacts):
    url, rt, case_id = site
    context, tab = log_in(chromium, url, artifacts, WORKER)
    page = tab.page

    # From the case page, as a person finds it.
    tab.goto(f"/cases/{case_id}")
    page.get_by_role("link", name=hy("Print summary")).click()
    tab.check()
    assert page.url == f"{url}/cases/{case_id}/summary"
    assert page.get_by_role("button", name=hy("Print the summary")).is_visible()
    assert page.locator("header.top nav").is_visible()
    assert not page.locator(".running-head").is_visible()  # on screen the h1 says it

    # Printed: no navigation, buttons or forms; the family, the criteria, the running head.
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.get_by_role("button", name=hy("Print the summary")).is_visible()
    assert all(not form.is_visible() for form in page.locator("form").all())
    assert page.locator("h1").get_by_text("Ավետիսյան").is_visible()
    assessment = page.locator("#summary-assessment")
    assert assessment.get_by_text("Ծայրահեղ աղքատություն").is_visible()
    assert assessment.get_by_text("Միայնակ ծնողների երեխաներ").is_visible()
    assert assessment.get_by_text("Մանկալքության վտանգ").is_visible()
    household = page.locator("#summary-household")
    assert household.get_by_text("Դավիթ Ավետիսյան").is_visible()
    assert household.get_by_text("լրացված է, բայց չի ցուցադրվում Ձեր դերի համար").is_visible()
    assert HEALTH not in page.content()
    assert page.locator("#summary-plan").get_by_text(re.compile(r"18\W?000 ֏")).is_visible()
    head = page.locator(".running-head")
    assert head.is_visible() and f"{case_id}" in head.inner_text()
    notes = page.locator("#summary-notes .note")
    assert notes.count() == 10
    assert notes.first.get_by_text("(1)").is_visible()  # the newest first
    # At the width of A4 inside its margins (180 mm) nothing runs off the page's side.
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT_PX
    page.screenshot(path=str(artifacts / "summary-print.png"), full_page=True)

    # Chromium's PDF of the printed page: A4, two pages, the running head on both.
    pdf = page.pdf(path=str(artifacts / "summary.pdf"), format="A4")
    assert pdf.startswith(b"%PDF-")
    pages, boxes = _pages_and_boxes(pdf)
    assert pages >= 2, pages
    assert boxes and all(
        abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes
    ), boxes
    # Chromium's own PDF viewer shows it, to look at: test-artifacts/summary-pdf.png.
    viewer = context.new_page()
    viewer.set_viewport_size({"width": 900, "height": 1200})
    viewer.goto((artifacts / "summary.pdf").as_uri())
    viewer.wait_for_timeout(1500)
    viewer.screenshot(path=str(artifacts / "summary-pdf.png"))
    viewer.close()

    # On screen again, the print button opens the browser's print (here: recorded).
    page.emulate_media(media="screen")
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.get_by_role("button", name=hy("Print the summary")).click()
    assert page.evaluate("window.printed") == 1

    # The language switch on the page: the same summary, in English.
    page.get_by_role("button", name="English").click()
    tab.language = "en"
    tab.check()
    assert page.url == f"{url}/cases/{case_id}/summary"
    assert page.locator("h1").get_by_text("Case summary").is_visible()
    assert page.locator("#summary-assessment").get_by_text("Extreme poverty").is_visible()
    assert page.locator("#summary-household").get_by_text("filled; not shown to your role").count()
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "summary-print-en.png"), full_page=True)
    page.pdf(path=str(artifacts / "summary-en.pdf"), format="A4")
    context.close()

    # Each view is in the access log, as the case page's are.
    with rt.session_factory() as session:
        logged = session.scalars(
            select(AccessLogRow.actor).where(
                AccessLogRow.case_id == case_id, AccessLogRow.detail == "printed summary"
            )
        ).all()
    assert logged == [WORKER, WORKER]
