"""The pages in the browser's place: login, roles, caseload, case page, forms, errors,
languages. In-process (TestClient) on SQLite."""

from __future__ import annotations

import html
import re

from sqlalchemy import select, update

from tests import programme_fixtures as pf
from tests.web.conftest import PASSWORD, csrf_of
from workflow.approval_requests import pending_approvals
from workflow.persistence.models import CaseRow
from workflow.programme.staff import SetStaffCommunities, StaffRow
from workflow.services import handle

FAMILY_FORM = {
    "family_name": "Սարգսյան",
    "community": "hrazdan",
    "phone": "+374 91 123456",
    "members[1].full_name": "Անի Սարգսյան",
    "members[1].role": "mother",
    "members[1].date_of_birth": "1990-04-02",
    "members[2].full_name": "Նարե Սարգսյան",
    "members[2].role": "child",
    "members[2].date_of_birth": "2016-09-01",
    "consent.purpose": "Մասնակցություն ծրագրին",
    "consent.given_on": "2026-01-10",
}


def test_login_page_is_armenian_by_default_and_english_when_chosen(browser):
    b = browser()
    page = b.get("/login")
    assert page.status_code == 200 and 'lang="hy"' in page.text and "Մուտք" in page.text
    b.get("/login?lang=en")
    assert "Log in" in b.get("/login").text


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(browser):
    b = browser()
    response = b.login(pf.SOCIAL_WORKER)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "hogatar_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests; Secure behind HTTPS
    assert b.get("/").status_code == 200
    assert b.post("/logout").status_code == 303
    assert b.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_says_so_without_saying_which(browser):
    b = browser()
    response = b.login(pf.SOCIAL_WORKER, "wrong password!")
    assert response.status_code == 401
    assert "Օգտանունը կամ գաղտնաբառը սխալ է" in response.text


def test_repeated_failures_slow_down_a_name_alike_whether_it_exists_or_not(browser, rt):
    """The lockout answered 423 for a real account and 401 for any other name."""
    answers = {}
    for name in ("manager", "nobody"):
        b = browser()
        statuses = [
            b.login(name, "wrong password!").status_code
            for _ in range(rt.settings.web_login_max_failures + 1)
        ]
        page = b.login(name, PASSWORD)  # waiting: even the right password is refused
        error = re.search(r'role="alert"><p>(.*?)</p>', page.text, re.S)
        assert error, name
        wait = page.headers.get("retry-after")
        answers[name] = (statuses, page.status_code, wait, error.group(1))
    assert answers["manager"] == answers["nobody"]
    statuses, status, _, _ = answers["manager"]
    limit = rt.settings.web_login_max_failures
    assert statuses == [401] * (limit - 1) + [429, 429] and status == 429


def test_a_form_without_the_csrf_token_is_refused(browser):
    b = browser(pf.SOCIAL_WORKER)
    response = b.client.post("/families", data=FAMILY_FORM, follow_redirects=False)
    assert response.status_code == 403
    login = browser().client.post(
        "/login", data={"username": "manager", "password": PASSWORD}, follow_redirects=False
    )
    assert login.status_code == 403


def test_the_language_choice_is_remembered(browser):
    b = browser(pf.SOCIAL_WORKER)
    assert "Դեպքեր" in b.get("/").text
    b.post("/language", {"language": "en", "next": "/cases"})
    page = b.get("/")
    assert 'lang="en"' in page.text and "Caseload" in page.text


def test_a_social_worker_starts_on_their_own_caseload(browser, rt):
    mine = pf.case_in(rt, "receiving_services", family_name="Մելքոնյան", phone="+374 91 000001")
    other = pf.register(rt, family_name="Ավագյան", phone="+374 91 000002", actor="worker-1")
    # A colleague's open case of the worker's community: not on their own caseload, but
    # on the community's list (read-only).
    handle(rt, SetStaffCommunities(username=pf.SOCIAL_WORKER, communities=("hrazdan",), actor="t"))
    b = browser(pf.SOCIAL_WORKER)
    page = b.get("/cases").text
    assert f'href="/cases/{mine}"' in page and f'href="/cases/{other}"' not in page
    everyone = b.get("/cases?worker=").text
    assert f'href="/cases/{other}"' in everyone


def test_caseload_filters_search_sort_and_pages(browser, rt):
    ids = [
        pf.register(rt, family_name=name, phone=f"+374 91 10000{n}", community=community)
        for n, (name, community) in enumerate(
            [("Աբրահամյան", "hrazdan"), ("Բաբայան", "garni"), ("Գասպարյան", "garni")]
        )
    ]
    pf.bring_to(rt, ids[2], "assessed")
    b = browser("manager")
    assert f"/cases/{ids[2]}" in b.get("/cases?state=assessed").text
    assert f"/cases/{ids[0]}" not in b.get("/cases?state=assessed").text
    with rt.session_factory() as session:
        from workflow.programme.staff import CommunityRow

        garni = session.scalar(select(CommunityRow.id).where(CommunityRow.code == "garni"))
    page = b.get(f"/cases?community={garni}").text
    assert f'/cases/{ids[0]}"' not in page and f'/cases/{ids[1]}"' in page
    assert f'/cases/{ids[1]}"' in b.get("/cases?q=բաբա").text  # case-insensitive, Armenian
    assert f'/cases/{ids[2]}"' in b.get("/cases?criterion=extreme_poverty").text
    assert f'/cases/{ids[1]}"' not in b.get("/cases?criterion=extreme_poverty").text
    # Only the latest assessment counts: a re-assessment without the criterion drops it.
    pf.assess(rt, ids[2], assessed_on=pf.today(rt), criteria=("single_parent",))
    assert f'/cases/{ids[2]}"' not in b.get("/cases?criterion=extreme_poverty").text
    assert f'/cases/{ids[2]}"' in b.get("/cases?criterion=single_parent").text
    names = re.findall(r'href="/cases/\d+">([^#<][^<]*)</a>', b.get("/cases?sort=name").text)
    assert names == sorted(names)
    partial = b.get("/cases?state=open", headers={"HX-Request": "true", "HX-Target": "results"})
    assert partial.text.lstrip().startswith('<section id="results"')


def test_pagination_has_next_and_previous(browser, rt):
    for n in range(27):
        pf.register(rt, family_name=f"Ընտանիք{n:02d}", phone=f"+374 93 2000{n:02d}")
    b = browser("manager")
    first = b.get("/cases").text
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = b.get("/cases?page=2").text
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_register_a_family_then_its_case_page(browser, rt):
    b = browser(pf.SOCIAL_WORKER)
    assert b.get("/families/new").status_code == 200
    response = b.post("/families", FAMILY_FORM)
    assert response.status_code == 303
    case_page = b.get(response.headers["location"]).text
    assert "Սարգսյան" in case_page and "Ընտանիքը գրանցված է" in case_page
    assert "<svg" in case_page and 'aria-current="step"' in case_page
    # The duplicate warning: the same mother and phone are in an open case.
    again = b.post("/families", FAMILY_FORM)
    assert again.status_code == 422 and "f-confirm_duplicate" in again.text
    confirmed = b.post("/families", {**FAMILY_FORM, "confirm_duplicate": "on"})
    assert confirmed.status_code == 303


def test_a_refused_form_keeps_the_input_and_puts_errors_beside_fields(browser):
    b = browser(pf.SOCIAL_WORKER)
    form = {**FAMILY_FORM, "family_name": "", "members[2].date_of_birth": "31.02.2016"}
    response = b.post("/families", form)
    assert response.status_code == 422
    page = response.text
    assert 'id="f-family_name-error"' in page and "Այս դաշտը պարտադիր է" in page
    assert 'id="f-members-2-date_of_birth-error"' in page
    assert 'value="Անի Սարգսյան"' in page  # what was typed is kept


def test_blocked_transitions_list_what_is_missing_and_allowed_ones_advance(browser, rt):
    case_id = pf.register(rt)
    b = browser(pf.SOCIAL_WORKER)
    page = b.get(f"/cases/{case_id}").text
    assert "Գրանցեք ընտանիքի գնահատումը" in page  # what to do first, in Armenian
    assert re.search(r'<button type="submit" class="primary" disabled', page)
    pf.prepare(rt, case_id, "assess")
    version = _version(rt, case_id)
    moved = b.post(f"/cases/{case_id}/transitions/assess", {"expected_version": version})
    assert moved.status_code == 303
    assert _state(rt, case_id) == "assessed"


def test_a_stale_version_gets_409_with_a_reload_link(browser, rt):
    case_id = pf.register(rt)
    pf.prepare(rt, case_id, "assess")
    b = browser(pf.SOCIAL_WORKER)
    stale = _version(rt, case_id) - 1
    response = b.post(f"/cases/{case_id}/transitions/assess", {"expected_version": stale})
    assert response.status_code == 409
    assert "այլ օգտատիրոջ" in response.text and f'href="/cases/{case_id}"' in response.text
    assert "Traceback" not in response.text


def test_forms_record_assessment_plan_delivery_counselling(browser, rt):
    case_id = pf.case_in(rt, "enrolled")
    b = browser(pf.SOCIAL_WORKER)
    assert b.get(f"/cases/{case_id}/forms/service").status_code == 200
    planned = b.post(
        f"/cases/{case_id}/forms/service",
        {"service": "clubs", "target_date": "2026-02-01", "provider_staff": pf.SOCIAL_WORKER},
    )
    assert planned.status_code == 303
    page = b.get(f"/cases/{case_id}").text
    service_id = re.findall(r"/services/(\d+)/forms/delivery", page)[-1]
    delivered = b.post(
        f"/services/{service_id}/forms/delivery",
        {"delivered_on": "2026-01-14", "quantity": "1", "cost_amd": "15 000", "final": "on"},
    )
    assert delivered.status_code == 303
    counselling = b.post(
        f"/cases/{case_id}/forms/counselling",
        {"kind": "individual", "psychologist": pf.PSYCHOLOGIST, "held_on": "2026-01-14"},
    )
    assert counselling.status_code == 303
    page = b.get(f"/cases/{case_id}").text
    assert "15\xa0000 ֏" in page and "14.01.2026" in page  # Armenian number and date format
    refused = b.post(f"/cases/{case_id}/forms/assessment", {"assessed_on": "2030-01-01"})
    assert refused.status_code == 422 and "f-assessor-error" in refused.text


def test_roles_see_what_their_job_needs(browser, rt):
    case_id = pf.case_in(rt, "assessed")
    officer = browser("procurement")
    assert officer.get("/cases").status_code == 403
    assert officer.get("/reports").status_code == 200
    worker = browser(pf.SOCIAL_WORKER)
    # Closing is requested by social workers (a manager approves it); reopening is not theirs.
    assert worker.get(f"/cases/{case_id}/forms/close").status_code == 200
    assert worker.get(f"/cases/{case_id}/forms/reopen").status_code == 403
    assert worker.get("/reports").status_code == 403
    pf.assign_psychologist(rt, case_id)
    psychologist_may_not = browser(pf.PSYCHOLOGIST).get(f"/cases/{case_id}/forms/close")
    assert psychologist_may_not.status_code == 403
    psychologist = browser(pf.PSYCHOLOGIST)
    assert psychologist.get(f"/cases/{case_id}/forms/counselling").status_code == 200
    assert psychologist.get(f"/cases/{case_id}/forms/assessment").status_code == 403


def test_closing_is_requested_approved_by_a_manager_and_reopened_with_a_reason(browser, rt):
    case_id = pf.case_in(rt, "enrolled")
    worker = browser(pf.SOCIAL_WORKER)
    form = worker.get(f"/cases/{case_id}/forms/close")
    # In Armenian, the reader's language: "Closing needs approval: ...".
    assert form.status_code == 200
    assert "Փակելու համար անհրաժեշտ է հաստատում" in html.unescape(form.text)
    refused = worker.post(f"/cases/{case_id}/forms/close", {"reason": "x"})
    assert refused.status_code == 422 and "f-closure_reason-error" in refused.text
    requested = worker.post(
        f"/cases/{case_id}/forms/close",
        {"closure_reason": "moved_away", "expected_version": _version(rt, case_id)},
    )
    # A request, not a closure: the page says the case waits for a manager's approval.
    assert (
        requested.status_code == 303 and "msg=approval_requested" in requested.headers["location"]
    )
    assert _state(rt, case_id) == "enrolled"
    # The request is on the manager's "my work" (/inbox), and approving it there closes.
    manager = browser("manager")
    [waiting] = pending_approvals(rt, for_staff="manager")
    assert 'href="/inbox#h-approvals"' in manager.get("/").text  # and on the dashboard
    assert 'href="/inbox#h-approvals"' not in worker.get("/").text
    inbox = manager.get("/inbox").text
    assert f'id="approval-{waiting.id}"' in inbox
    assert f'action="/approvals/{waiting.id}/approve"' in inbox
    assert f'id="approval-{waiting.id}"' not in worker.get("/inbox").text
    approved = manager.post(f"/approvals/{waiting.id}/approve", {})
    assert approved.status_code == 303 and _state(rt, case_id) == "closed"
    reopened = manager.post(f"/cases/{case_id}/forms/reopen", {"reason": "Վերադարձել են"})
    assert reopened.status_code == 303 and _state(rt, case_id) == "referred"


def test_not_found_pages_are_404_without_a_trace(browser):
    b = browser("manager")
    for path in ("/cases/999999", "/no/such/page", "/cases/1/forms/nonsense", "/reports/x.csv"):
        response = b.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.text and "Չի գտնվել" in response.text


def test_dashboard_and_reports_with_csv(browser, rt):
    pf.case_in(rt, "receiving_services")
    b = browser("manager")
    dashboard = b.get("/").text
    assert "Ծառայություններ է ստանում" in dashboard
    reports = b.get("/reports").text
    assert reports.count("<svg") >= 4 and "Մանկալքության վտանգ" in reports
    csv = b.get("/reports/state-by-community.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "community,community_name,state,families" in csv.text
    assert "hrazdan,Hrazdan,receiving_services,1" in csv.text


def test_deactivated_staff_lose_their_session(browser, rt):
    b = browser(pf.SOCIAL_WORKER)
    with rt.session_factory() as session, session.begin():
        session.execute(
            update(StaffRow).where(StaffRow.username == pf.SOCIAL_WORKER).values(active=False)
        )
    assert b.get("/", follow_redirects=False).status_code == 303


def _version(rt, case_id: int) -> int:
    with rt.session_factory() as session:
        return int(session.scalar(select(CaseRow.version).where(CaseRow.id == case_id)))


def _state(rt, case_id: int) -> str:
    with rt.session_factory() as session:
        return str(session.scalar(select(CaseRow.state).where(CaseRow.id == case_id)))


def test_login_page_csrf_token_is_bound_to_the_browser(browser):
    first, second = browser(), browser()
    token = csrf_of(first.get("/login").text)
    second.get("/login")
    response = second.client.post(
        "/login",
        data={"username": "manager", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_a_manager_cannot_approve_their_own_closure(browser, rt):
    case_id = pf.case_in(rt, "enrolled")
    manager = browser("manager")
    requested = manager.post(
        f"/cases/{case_id}/forms/close",
        {"closure_reason": "moved_away", "expected_version": _version(rt, case_id)},
    )
    assert requested.status_code == 303
    [waiting] = pending_approvals(rt)
    assert f'id="approval-{waiting.id}"' not in manager.get("/inbox").text
    refused = manager.post(f"/approvals/{waiting.id}/approve", {})
    assert refused.status_code == 422 and _state(rt, case_id) == "enrolled"
    assert [a.id for a in pending_approvals(rt)] == [waiting.id]
