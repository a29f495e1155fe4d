"""The access log in the web app, as a manager reads it: who viewed which family's file,
filtered by case and by person; other roles are refused, and a bad filter says why."""

from __future__ import annotations

from tests import programme_fixtures as pf
from tests.web.test_messages import in_english


def test_a_manager_sees_who_viewed_a_file_by_case_and_by_person(browser, rt):
    case_id = pf.case_in(rt, "referred")
    other = pf.case_in(rt, "referred", family_name="Ղուկասյան", phone="+374 91 555555")
    worker = browser(pf.SOCIAL_WORKER)
    assert worker.get(f"/cases/{case_id}").status_code == 200
    manager = browser("manager")
    assert manager.get(f"/cases/{other}").status_code == 200

    by_case = manager.get(f"/access?case={case_id}")
    assert by_case.status_code == 200
    assert "Դիտել է դեպքի գործը" in by_case.text  # "Viewed the case file"
    assert (
        f'href="/cases/{case_id}"' in by_case.text and f'href="/cases/{other}"' not in by_case.text
    )
    assert f"staff={pf.SOCIAL_WORKER}" in by_case.text  # the worker, with their own log
    by_person = manager.get("/access?staff=manager")
    assert f'href="/cases/{other}"' in by_person.text
    assert f'href="/cases/{case_id}"' not in by_person.text
    assert 'href="/access"' in manager.get("/").text  # in the manager's navigation


def test_other_roles_are_refused_and_bad_filters_say_why(browser, rt):
    worker = browser(pf.SOCIAL_WORKER)
    assert worker.get("/access").status_code == 403
    assert 'href="/access"' not in worker.get("/").text
    manager = browser("manager")
    unknown = manager.get("/access?case=424242")
    assert unknown.status_code == 200 and "Դեպք 424242 չկա" in unknown.text
    in_english(manager)
    wrong = manager.get("/access?case=abc&since=31.02.2026")
    assert "A case number is a whole number, such as 12." in wrong.text
    assert "Write the date as day.month.year" in wrong.text
    assert 'value="abc"' in wrong.text  # what was typed stays
