"""The web app writes the access log: a case page viewed and a report downloaded, with who
and from where; an unknown case shows no one's file and is not logged."""

from __future__ import annotations

from tests import programme_fixtures as pf
from workflow.programme.privacy import list_access


def test_case_pages_and_report_csvs_are_logged(browser, rt):
    case_id = pf.case_in(rt, "referred")
    b = browser("manager")
    assert b.get(f"/cases/{case_id}").status_code == 200
    assert b.get("/cases/999999").status_code == 404
    assert b.get("/reports/state-by-community.csv").status_code == 200
    assert b.get("/reports/x.csv").status_code == 404
    entries = list_access(rt, actor="manager").entries
    assert [(e["kind"], e["case_id"], e["detail"]) for e in entries] == [
        ("export_report", None, "state-by-community.csv"),
        ("view_case", case_id, None),
    ]
    assert {e["source"] for e in entries} == {"testclient"}


def test_an_anonymised_case_page_shows_no_personal_data(browser, rt):
    from datetime import timedelta

    from tests.privacy_fixtures import HEALTH_NOTE, close, full_case
    from workflow.programme.privacy import RunRetention, run_retention

    case_id = full_case(rt, family_name="Գասպարյան")
    close(rt, case_id)
    rt.clock.advance(timedelta(days=5 * 366))
    assert [c.case_id for c in run_retention(rt, RunRetention(actor="cli:t", dry_run=False)).due]
    page = browser("manager").get(f"/cases/{case_id}")
    assert page.status_code == 200
    for personal in ("Գասպարյան", HEALTH_NOTE, "Արաբկիր", "+374 91 123456"):
        assert personal not in page.text


def test_the_json_api_logs_a_case_file_read_as_the_page_does(browser, rt):
    case_id = pf.case_in(rt, "referred")
    client = browser("manager").client
    assert client.get(f"/api/v1/cases/{case_id}").status_code == 200
    assert client.get("/api/v1/cases/999999").status_code == 404
    entries = list_access(rt, actor="manager").entries
    assert [(e["kind"], e["case_id"]) for e in entries] == [("view_case", case_id)]
