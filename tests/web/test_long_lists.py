"""Long lists that fit on a screen: the referrals board and the procurement queue are
filtered and paged with the filters in their links (Back and a bookmark work), wrong
filters are said beside their fields with what was typed kept, the JSON API takes the
same filters and pages (422 naming the field), the caseload exports exactly its filtered
cases (all pages) to CSV and XLSX with formulas neutralised and each export in the access
log, and the reports follow a period."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from tests import programme_fixtures as pf
from tests.web import work_fixtures as wf
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals as programme_referrals
from workflow.programme.families import AssignCase
from workflow.programme.privacy import AccessLogRow
from workflow.programme.referrals import CreateReferral, RespondToReferral
from workflow.programme.staff import AddStaff, CommunityRow, StaffRow
from workflow.services import handle

ROW = re.compile(r'<tr id="referral-(\d+)"')
REQUEST_ROW = re.compile(r'<tr id="request-(\d+)"')
SECOND_WORKER = "karen.h"
HYPERLINK = '=HYPERLINK("http://example.invalid/x","open")'


def _ids(rt, table, column, key):
    with rt.session_factory() as session:
        return dict(session.execute(select(column, table.id)).all())[key]


def staff_id(rt, username):
    return _ids(rt, StaffRow, StaffRow.username, username)


def community_id(rt, code):
    return _ids(rt, CommunityRow, CommunityRow.code, code)


def two_families_referred(rt, publisher=None, *, deliver=None):
    """Thirty referrals of a Hrazdan family (the social worker's), three of an Abovyan
    family (a second social worker's), one of those accepted: (case a, case b).
    ``deliver``: how the effects are done (the browser tests' own way), else by hand from
    the recording ``publisher``."""
    deliver = deliver or (lambda: wf.work_off(rt, publisher))
    handle(rt, AddStaff(username=SECOND_WORKER, full_name="Կարեն Հարությունյան",
                        role="social_worker", actor="test"))  # fmt: skip
    first = pf.case_in(rt, "enrolled", family_name="Սարգսյան", phone="+374 91 100001")
    second = pf.case_in(
        rt, "enrolled", family_name="Ավագյան", community="abovyan", phone="+374 91 100002"
    )
    handle(rt, AssignCase(case_id=first, actor="test", social_worker=pf.SOCIAL_WORKER))
    handle(rt, AssignCase(case_id=second, actor="test", social_worker=SECOND_WORKER))
    for number in range(29):
        partner = "vocational_ngo" if number < 4 else "hrazdan_medical_centre"
        handle(rt, CreateReferral(case_id=first, partner=partner, purpose=f"Նպատակ {number}",
                                  actor=pf.SOCIAL_WORKER))  # fmt: skip
    for number in range(2):
        handle(rt, CreateReferral(case_id=second, partner="hrazdan_medical_centre",
                                  purpose=f"Բուժում {number}", actor=SECOND_WORKER))  # fmt: skip
    deliver()
    accepted = programme_referrals.list_referrals(rt, case_id=second)[-1]["id"]
    handle(rt, RespondToReferral(referral_id=accepted, response="accepted", actor="test"))
    return first, second


def rows_of(html):
    return [int(found) for found in ROW.findall(html)]


def test_the_board_is_filtered_and_paged_with_the_filters_in_its_links(browser, rt, publisher):
    first, second = two_families_referred(rt, publisher)
    worker = browser("manager")
    board = worker.get("/referrals")
    assert board.status_code == 200
    assert len(rows_of(board.text)) == 25  # of 33: one page, newest first
    assert rows_of(board.text) == sorted(rows_of(board.text), reverse=True)
    assert 'rel="next" href="/referrals?page=2"' in board.text
    last = worker.get("/referrals?page=2").text
    assert len(rows_of(last)) == 8 and 'rel="prev" href="/referrals"' in last

    # The social worker's own sent referrals: thirty, in two pages; the links keep both.
    mine = staff_id(rt, pf.SOCIAL_WORKER)
    page_one = worker.get(f"/referrals?status=sent&worker={mine}")
    assert page_one.status_code == 200 and len(rows_of(page_one.text)) == 25
    next_link = f'rel="next" href="/referrals?status=sent&amp;worker={mine}&amp;page=2"'
    assert next_link in page_one.text
    page_two = worker.get(f"/referrals?status=sent&worker={mine}&page=2").text
    assert len(rows_of(page_two)) == 5
    assert f'rel="prev" href="/referrals?status=sent&amp;worker={mine}"' in page_two
    assert set(rows_of(page_one.text) + rows_of(page_two)) == {
        r["id"] for r in programme_referrals.list_referrals(rt, case_id=first)
    }
    # The form shows the filters chosen, and the status links keep the worker.
    assert '<option value="sent" selected>' in page_two
    assert f'<option value="{mine}" selected>' in page_two
    assert f'href="/referrals?status=accepted&amp;worker={mine}"' in page_two

    # By community, partner, status; by the day they were made.
    abovyan = worker.get(f"/referrals?community={community_id(rt, 'abovyan')}").text
    assert set(rows_of(abovyan)) == {
        r["id"] for r in programme_referrals.list_referrals(rt, case_id=second)
    }
    assert len(rows_of(worker.get("/referrals?partner=vocational_ngo").text)) == 4
    [accepted] = rows_of(worker.get("/referrals?status=accepted").text)
    assert accepted in rows_of(abovyan)
    today = pf.today(rt)
    yesterday = (today - timedelta(days=1)).strftime("%d.%m.%Y")
    assert rows_of(worker.get(f"/referrals?to={yesterday}").text) == []
    since_today = worker.get(f"/referrals?from={today.strftime('%d.%m.%Y')}&page=2").text
    assert len(rows_of(since_today)) == 8

    # An answer recorded from a filtered page comes back to that very page.
    here = f"/referrals?status=sent&worker={mine}&page=2"
    answered = worker.post(
        f"/referrals/{rows_of(page_two)[0]}/respond", {"response": "acknowledged", "next": here}
    )
    assert answered.headers["location"].startswith(here + "&msg=answered")


def test_wrong_filters_are_said_beside_their_fields_and_kept(browser, rt, publisher):
    two_families_referred(rt, publisher)
    worker = browser("manager")
    refused = worker.get("/referrals?status=lost&worker=999&from=03/15/2026&page=abc")
    assert refused.status_code == 422
    text = refused.text
    for name in ("status", "worker", "from", "page"):
        assert f'id="f-{name}-error"' in text, name
        assert f'aria-describedby="f-{name}-error"' in text, name
    # What was typed is shown again, and the date is refused in the reader's language.
    assert '<option value="lost" selected>lost</option>' in text
    assert 'value="03/15/2026"' in text and 'value="abc"' in text
    assert "Սա ամսաթիվ չէ" in text  # "This is not a date; use the form 15.03.2024."
    assert len(rows_of(text)) == 25  # the list without the wrong filters
    # A page far past any list, or past this one: said beside the page field.
    for absurd in ("99999", "400000000000000000000"):
        far = worker.get(f"/referrals?page={absurd}&status=sent")
        assert far.status_code == 422 and 'id="f-page-error"' in far.text, absurd
        assert f'value="{absurd}"' in far.text and '<option value="sent" selected>' in far.text
    past = worker.get("/referrals?page=9")
    assert past.status_code == 422 and 'id="f-page-error"' in past.text
    assert len(rows_of(past.text)) == 8  # the last page instead
    # A period that ends before it starts.
    reversed_period = worker.get("/referrals?from=10.03.2026&to=01.03.2026")
    assert reversed_period.status_code == 422 and 'id="f-to-error"' in reversed_period.text
    # In English too, with nothing of the error page.
    worker.post("/language", {"language": "en", "next": "/"})
    english = worker.get("/referrals?status=lost&page=0").text
    assert "Choose one of the options offered." in english
    assert "The page is a whole number, 1 or more." in english
    far = worker.get("/referrals?page=400000000000000000000").text
    assert "There is no page 400,000,000,000,000,000,000: the last page is 2." in far


def test_the_referrals_api_takes_the_same_filters_and_pages(browser, rt, publisher):
    first, _ = two_families_referred(rt, publisher)
    api = browser("manager")
    mine = staff_id(rt, pf.SOCIAL_WORKER)
    listed = api.get(f"/api/v1/referrals?status=sent&worker={mine}&limit=10&offset=20").json()
    assert (listed["page"], listed["page_size"], listed["total"]) == (3, 10, 30)
    assert listed["has_next"] is False and len(listed["items"]) == 10
    assert {item["case_id"] for item in listed["items"]} == {first}
    paged = api.get("/api/v1/referrals?page=2").json()
    assert (paged["total"], len(paged["items"]), paged["has_next"]) == (33, 8, False)
    assert len(api.get(f"/api/v1/referrals?case_id={first}&limit=200").json()["items"]) == 30
    for query, fields in (
        ("status=lost", ["status"]),
        ("from=2026-13-01&to=1.1.2020", ["from"]),
        ("from=2.2.2026&to=1.1.2026", ["to"]),
        ("page=0&limit=1000", ["page", "limit"]),
        ("offset=7&limit=5", ["offset"]),
        ("page=2&offset=25", ["offset"]),
        ("page=40", ["page"]),
        ("partner=nobody&community=x", ["community", "partner"]),
    ):
        refused = api.get(f"/api/v1/referrals?{query}")
        assert refused.status_code == 422, query
        assert sorted(e["field"] for e in refused.json()["errors"]) == sorted(fields), query


def goods_for_two_communities(rt, publisher):
    """Requests of three families: two in Hrazdan, one in Abovyan."""
    cases = [
        wf.goods_requested(rt, publisher, family_name=name, phone=phone, community=community)
        for name, phone, community in (
            ("Մելքոնյան", "+374 91 200001", "hrazdan"),
            ("Բաբայան", "+374 91 200002", "hrazdan"),
            ("Գրիգորյան", "+374 91 200003", "abovyan"),
        )
    ]
    return cases


def test_the_procurement_queue_is_filtered_and_paged(browser, rt, publisher):
    cases = goods_for_two_communities(rt, publisher)
    officer = browser("procurement")
    queue = officer.get("/procurement")
    assert queue.status_code == 200
    all_ids = [int(found) for found in REQUEST_ROW.findall(queue.text)]
    assert sorted(all_ids) == sorted(request_id for _, request_id in cases)
    request = programme_procurement.list_procurement(rt)[0]
    by_line = officer.get(f"/procurement?budget_line={request['budget_line']}").text
    assert len(REQUEST_ROW.findall(by_line)) == 3
    abovyan = officer.get(f"/procurement?community={community_id(rt, 'abovyan')}").text
    assert [int(i) for i in REQUEST_ROW.findall(abovyan)] == [cases[2][1]]
    assert REQUEST_ROW.findall(officer.get("/procurement?status=delivered").text) == []
    by_supplier = officer.get(f"/procurement?supplier={request['supplier']}&status=requested")
    assert len(REQUEST_ROW.findall(by_supplier.text)) == 3
    # Bad filters: beside their fields, kept as typed.
    refused = officer.get("/procurement?supplier=nobody&from=1.1.2026&to=31.12.2025&page=-1")
    assert refused.status_code == 422
    for name in ("supplier", "to", "page"):
        assert f'id="f-{name}-error"' in refused.text, name
    assert 'value="31.12.2025"' in refused.text and 'value="-1"' in refused.text
    # The API: the same filters, one request a page.
    page = officer.get("/api/v1/procurement?limit=1&page=2&status=requested").json()
    assert (page["total"], page["has_next"], len(page["items"])) == (3, True, 1)
    assert page["items"][0]["id"] == sorted(all_ids, reverse=True)[1]
    only = officer.get(f"/api/v1/procurement?case_id={cases[0][0]}").json()
    assert [item["id"] for item in only["items"]] == [cases[0][1]]
    refused_api = officer.get("/api/v1/procurement?budget_line=x&to=32.01.2026")
    assert refused_api.status_code == 422
    assert sorted(e["field"] for e in refused_api.json()["errors"]) == ["budget_line", "to"]


# --- The caseload's export ---


def caseload_in_two_communities(rt):
    """Twenty-seven Hrazdan families (more than a page; one named like a formula) and two
    in Abovyan: (Hrazdan case ids, Abovyan case ids)."""
    hrazdan = [
        pf.register(rt, family_name=f"Հրազդանցի{number:02d}", phone=f"+374 91 3000{number:02d}")
        for number in range(26)
    ]
    hrazdan.append(pf.register(rt, family_name=HYPERLINK, phone="+374 91 300099"))
    abovyan = [
        pf.register(rt, family_name=name, community="abovyan", phone=phone)
        for name, phone in (("Աբովյանցի", "+374 91 400001"), ("Մանուկյան", "+374 91 400002"))
    ]
    return hrazdan, abovyan


def exports(rt):
    with rt.session_factory() as session:
        return list(
            session.scalars(select(AccessLogRow).where(AccessLogRow.kind == "export_cases"))
        )


def test_the_caseload_exports_its_filtered_cases_from_every_page(browser, rt):
    hrazdan, abovyan = caseload_in_two_communities(rt)
    manager = browser("manager")
    filters = f"state=all&worker=&community={community_id(rt, 'hrazdan')}"
    listed = manager.get(f"/cases?{filters}").text
    assert len(re.findall(r'<tr>\s*<td><a href="/cases/\d+">', listed)) == 25  # one page
    assert 'id="export-csv" href="/cases.csv?workflow=&amp;state=all&amp;community=' in listed
    answer = manager.get(f"/cases.csv?{filters}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert sorted(int(row["case_id"]) for row in rows) == sorted(hrazdan)  # all 27
    assert {row["community"] for row in rows} == {"Հրազդան"}
    [formula] = [row for row in rows if "HYPERLINK" in row["family_name"]]
    assert formula["family_name"] == "'" + HYPERLINK  # written as text, never run
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())
    # The same as a workbook.
    workbook = manager.get(f"/cases.xlsx?{filters}&sort=id")
    assert workbook.status_code == 200
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("case_id", "workflow", "family_name")
    assert [row[0] for row in values[1:]] == sorted(hrazdan)  # sorted as asked
    assert "'" + HYPERLINK in [row[2] for row in values[1:]]
    # Abovyan's filter: its two families only.
    other = manager.get(f"/cases.csv?state=all&worker=&community={community_id(rt, 'abovyan')}")
    other_rows = list(csv.DictReader(io.StringIO(other.content.decode("utf-8-sig"))))
    assert sorted(int(row["case_id"]) for row in other_rows) == sorted(abovyan)
    # Each export is in the access log: who, which file, how many cases, which filters.
    logged = exports(rt)
    assert [(row.actor, row.case_id) for row in logged] == [("manager", None)] * 3
    assert logged[0].detail.startswith("cases.csv: 27 case(s); state all, community ")
    assert logged[1].detail.startswith("cases.xlsx: 27 case(s)")
    assert "Հրազդան" not in (logged[0].detail or "")


def test_a_search_is_exported_without_the_searched_name_in_the_log(browser, rt):
    caseload_in_two_communities(rt)
    manager = browser("manager")
    found = manager.get("/cases.csv?worker=&q=Մանուկյան").content.decode("utf-8-sig")
    assert [row["family_name"] for row in csv.DictReader(io.StringIO(found))] == ["Մանուկյան"]
    assert exports(rt)[-1].detail == "cases.csv: 1 case(s); state open, a search"
    officer = browser("procurement")  # no family files for procurement officers
    assert officer.get("/cases.csv").status_code == 403
    assert officer.get("/cases.xlsx").status_code == 403
    assert len(exports(rt)) == 1  # a refused export is not logged


# --- Reports over a period ---


def test_reports_follow_a_period_and_refuse_a_wrong_date(browser, rt, clock):
    pf.case_in(rt, "enrolled", family_name="Առաջին", phone="+374 91 500001")
    clock.advance(timedelta(days=40))
    pf.register(rt, family_name="Երկրորդ", phone="+374 91 500002")
    manager = browser("manager")
    today = pf.today(rt)
    page = manager.get("/reports")
    assert page.status_code == 200
    # The period ends today unless said otherwise; the CSV links carry it.
    assert f'name="to" type="text" value="{today.strftime("%d.%m.%Y")}"' in page.text
    assert f'href="/reports/states.csv?to={today.strftime("%d.%m.%Y")}"' in page.text

    def families(query):
        answer = manager.get(f"/reports/states.csv{query}")
        assert answer.status_code == 200
        rows = csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))
        return {row["code"]: int(row["families"]) for row in rows if int(row["families"])}

    assert families("") == {"enrolled": 1, "referred": 1}
    recent = (today - timedelta(days=10)).strftime("%d.%m.%Y")
    assert families(f"?from={recent}") == {"referred": 1}
    early = (today - timedelta(days=30)).strftime("%d.%m.%Y")
    assert families(f"?to={early}") == {"enrolled": 1}
    # A wrong date: beside its field, kept as typed; a CSV asked with it is refused.
    refused = manager.get("/reports?from=12/31/2025&to=")
    assert refused.status_code == 422
    assert 'id="f-from-error"' in refused.text and 'value="12/31/2025"' in refused.text
    assert "Սա ամսաթիվ չէ" in refused.text
    assert manager.get("/reports/states.csv?from=31.02.2026").status_code == 422
    logged = [row.detail for row in exports_of(rt, "export_report")]
    assert logged[-1] == f"states.csv, the start to {early[6:]}-{early[3:5]}-{early[:2]}"
    # The API's figures follow the same period, and refuse a wrong date naming it.
    figures = manager.get(f"/api/v1/reports/states?from={recent}").json()["rows"]
    assert {row["code"]: row["families"] for row in figures if row["families"]} == {"referred": 1}
    wrong = manager.get("/api/v1/reports/states?to=2026-02-30")
    assert wrong.status_code == 422 and [e["field"] for e in wrong.json()["errors"]] == ["to"]


def exports_of(rt, kind):
    with rt.session_factory() as session:
        return list(
            session.scalars(
                select(AccessLogRow).where(AccessLogRow.kind == kind).order_by(AccessLogRow.id)
            )
        )
