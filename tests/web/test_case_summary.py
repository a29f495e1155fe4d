"""The printable case summary (/cases/{id}/summary): the family, its household, the
assessment with its criteria, the plan with its deliveries and the recent notes, as the
reader may read them: a social worker sees that a child's health notes are filled but
not what they say, a colleague of the community sees that a confidential note exists
but not its text, the psychologist and the manager read both; a case outside the
reader's scope is not found, a procurement officer has no case to read; each view is in
the access log; the page is in Armenian or English, and printed it is laid out for A4."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from tests import programme_fixtures as pf
from tests.web.conftest import PASSWORD
from tests.web.test_messages import in_english
from tests.web.test_notes_pages import share_community
from web.shared import accounts
from workflow.programme.families import MemberInput
from workflow.programme.notes import AddNote
from workflow.programme.plans import DeliverService, PlannedServiceRow
from workflow.programme.privacy import AccessLogRow
from workflow.programme.staff import AddStaff
from workflow.services import handle

HEALTH = "Ասթմա, ինհալյատոր ամեն առավոտ"
SECRET = "Մայրը պատմեց, որ հայրը խմում է"
OPEN_NOTE = "Այցելեցինք դպրոց, երեխան սկսել է հաճախել"
COLLEAGUE = "sw-karen"
STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def _case(rt) -> int:
    members = (
        MemberInput(role="mother", full_name="Անի Սարգսյան", date_of_birth=date(1990, 4, 2)),
        MemberInput(
            role="child",
            full_name="Նարե Սարգսյան",
            date_of_birth=date(2016, 9, 1),
            health_notes=HEALTH,
        ),
    )
    case_id = pf.register(rt, members=members)
    pf.assign_psychologist(rt, case_id)
    pf.assess(rt, case_id)
    pf.plan_and_assign(rt, case_id)
    with rt.session_factory() as session:
        service_id = session.scalar(
            select(PlannedServiceRow.id).where(PlannedServiceRow.case_id == case_id)
        )
    handle(
        rt,
        DeliverService(
            planned_service_id=service_id,
            actor=pf.SOCIAL_WORKER,
            delivered_on=pf.today(rt) - timedelta(days=1),
            quantity=3,
            cost_amd=12500,
        ),
    )
    for text, confidential in ((OPEN_NOTE, False), (SECRET, True)):
        handle(
            rt,
            AddNote(
                case_id=case_id,
                kind="observation",
                noted_on=pf.today(rt),
                text=text,
                actor=pf.SOCIAL_WORKER,
                confidential=confidential,
            ),
        )
    handle(
        rt,
        AddStaff(
            username=COLLEAGUE, full_name="Կարեն Հարությունյան", role="social_worker", actor="test"
        ),
    )
    accounts.set_password(rt, username=COLLEAGUE, password=PASSWORD)
    share_community(rt, COLLEAGUE, "hrazdan")
    return case_id


def _summaries_logged(rt, case_id: int) -> list[str]:
    with rt.session_factory() as session:
        return list(
            session.scalars(
                select(AccessLogRow.actor)
                .where(AccessLogRow.case_id == case_id, AccessLogRow.detail == "printed summary")
                .order_by(AccessLogRow.id)
            )
        )


def test_the_summary_shows_the_file_as_each_reader_may_read_it(browser, rt):
    case_id = _case(rt)

    author = browser(pf.SOCIAL_WORKER).get(f"/cases/{case_id}/summary")
    assert author.status_code == 200
    page = author.text
    # In Armenian by default: the family, its members, the criteria, the plan, a delivery.
    assert "Սարգսյան" in page and "Նարե Սարգսյան" in page
    assert "Ծայրահեղ աղքատություն" in page or "ծայրահեղ աղքատություն" in page
    assert re.search(r"12\W?500 ֏", page)
    assert OPEN_NOTE in page and SECRET in page  # her own confidential note
    # Health notes: the social worker's role sees that they are filled, not what they say.
    assert HEALTH not in page
    assert "լրացված է, բայց չի ցուցադրվում Ձեր դերի համար" in page
    # The printed page repeats the case number; the button prints by a static script.
    assert 'class="running-head"' in page and f"{case_id}" in page
    assert '<script src="/static/print.js" defer></script>' in page
    assert "onclick" not in page and "style=" not in page

    colleague = browser(COLLEAGUE).get(f"/cases/{case_id}/summary").text
    assert OPEN_NOTE in colleague and SECRET not in colleague
    # That a confidential note exists, by whom and when, not what it says.
    assert "Գաղտնի գրառում․ այն կարող են կարդալ միայն հեղինակը" in colleague
    assert HEALTH not in colleague

    for reader in (pf.PSYCHOLOGIST, "manager"):
        shown = browser(reader).get(f"/cases/{case_id}/summary").text
        assert HEALTH in shown and SECRET in shown, reader

    assert _summaries_logged(rt, case_id) == [
        pf.SOCIAL_WORKER,
        COLLEAGUE,
        pf.PSYCHOLOGIST,
        "manager",
    ]


def test_the_summary_in_english(browser, rt):
    case_id = _case(rt)
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    page = b.get(f"/cases/{case_id}/summary").text
    assert '<html lang="en">' in page
    for words in (
        "Case summary",
        "Household",
        "Additional criteria met",
        "Extreme poverty",
        "Service plan",
        "Recent case notes",
        "filled; not shown to your role",
        "Print the summary",
    ):
        assert words in page, words
    # The language switch stays on the page and comes back to the summary.
    assert f'name="next" value="/cases/{case_id}/summary"' in page


def test_the_case_page_links_to_its_summary(browser, rt):
    case_id = _case(rt)
    page = browser(pf.SOCIAL_WORKER).get(f"/cases/{case_id}").text
    assert f'href="/cases/{case_id}/summary"' in page


def test_outside_the_scope_not_found_and_no_case_view_for_procurement(browser, rt):
    case_id = _case(rt)
    # A social worker of another community reads no case of Hrazdan.
    handle(
        rt,
        AddStaff(
            username="sw-abovyan", full_name="Լիլիթ Գրիգորյան", role="social_worker", actor="t"
        ),
    )
    accounts.set_password(rt, username="sw-abovyan", password=PASSWORD)
    share_community(rt, "sw-abovyan", "abovyan")
    elsewhere = browser("sw-abovyan")
    assert elsewhere.get(f"/cases/{case_id}").status_code == 404
    outside = elsewhere.get(f"/cases/{case_id}/summary")
    assert outside.status_code == 404 and "Սարգսյան" not in outside.text
    assert elsewhere.get("/cases/999999/summary").status_code == 404
    refused = browser("procurement").get(f"/cases/{case_id}/summary")
    assert refused.status_code == 403 and "Սարգսյան" not in refused.text
    assert _summaries_logged(rt, case_id) == []


def test_the_print_stylesheet_lays_the_summary_out_on_a4():
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    page = re.search(r"@page\s*\{(.*?)\n\}", css, re.S)
    assert page and "size: A4" in page.group(1) and "margin:" in page.group(1)
    assert "counter(pages)" in page.group(1)
    printed = css[css.index("@media print") :]
    hiding = next(line for line in printed.splitlines() if "display: none !important" in line)
    for hidden in ("header.top", "nav", "form", "button", ".summary-tools"):
        assert hidden in hiding.split("{")[0], hidden
    assert "break-inside: avoid" in printed
    assert "window.print()" in (STATIC / "print.js").read_text(encoding="utf-8")


def test_a_foster_care_case_has_no_family_summary_nor_its_link(browser, rt):
    from tests.foster_fixtures import inquire

    case_id = inquire(rt)
    manager = browser("manager")
    assert f'href="/cases/{case_id}/summary"' not in manager.get(f"/cases/{case_id}").text
    assert manager.get(f"/cases/{case_id}/summary").status_code == 404
    assert _summaries_logged(rt, case_id) == []
