"""Home visits, plan goals and reviews in the web app and the JSON API, and "My work":
a visit recorded from the case page (on its timeline, its next visit reminded), bad
visits refused beside their field keeping what was typed (422 naming the field in the
API), a form sent twice saving once; goals and a review; the next-visit reminder on the
worker's "My work" linking to the visit form, and on the manager's under that worker."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.web.test_messages import in_english
from tests.web.work_fixtures import work_off
from workflow.programme.families import AssignCase, MemberRow
from workflow.programme.reminders import SweepReminders
from workflow.programme.visits import HomeVisitRow, PlanGoalRow, PlanReviewRow
from workflow.services import handle

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
SEEN = "Երեխաները դպրոց են գնում, տունը տաք է"


@pytest.fixture
def case_id(rt):
    case = pf.register(rt, actor=pf.SOCIAL_WORKER)
    handle(rt, AddAssign(case))
    return case


def AddAssign(case):  # noqa: N802 - reads as the command it makes
    return AssignCase(case_id=case, actor="manager", social_worker=pf.SOCIAL_WORKER)


def day(rt, days=0):
    return (pf.today(rt) + timedelta(days=days)).strftime("%d.%m.%Y")


def csrf(b):
    return {"X-CSRF-Token": b.csrf}


def count(rt, model):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def visit_form(b, rt, case_id, **values):
    page = b.get(f"/cases/{case_id}/forms/visit")
    assert page.status_code == 200, page.text
    with rt.session_factory() as session:
        member = session.scalar(select(MemberRow.id).order_by(MemberRow.id))
    return {
        "form_token": TOKEN.search(page.text).group(1),
        "visited_on": day(rt),
        "visitors": [pf.SOCIAL_WORKER],
        "met_members": [str(member)],
        "observations": SEEN,
        "next_visit_due": day(rt, 10),
        **values,
    }


def test_a_visit_is_recorded_shown_and_saved_once(browser, rt, case_id):
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    data = visit_form(b, rt, case_id)
    saved = b.post(f"/cases/{case_id}/forms/visit", data)
    assert saved.status_code == 303 and saved.headers["location"].endswith("#visits")
    again = b.post(f"/cases/{case_id}/forms/visit", data)  # Back, and save again
    assert again.status_code in (200, 303)
    assert count(rt, HomeVisitRow) == 1
    page = b.get(f"/cases/{case_id}").text
    assert SEEN in page and "Home visit recorded" in page
    assert "Next visit due" in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"visited_on": "tomorrow", "next_visit_due": ""},
            "visited_on",
            "This date is in the future.",
        ),
        (
            {"next_visit_due": "yesterday"},
            "next_visit_due",
            "The next visit must be after this one.",
        ),
        ({"visitors": []}, "visitors", "Choose at least one member of staff."),
        ({"visitors": ["nobody"]}, "visitors", "Choose an active member of staff."),
    ],
)
def test_a_bad_visit_is_refused_beside_its_field_keeping_what_was_typed(
    browser, rt, case_id, values, field, message
):
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    shifts = {"tomorrow": 1, "yesterday": -1}
    values = {
        k: day(rt, shifts[v]) if isinstance(v, str) and v in shifts else v
        for k, v in values.items()
    }
    refused = b.post(f"/cases/{case_id}/forms/visit", visit_form(b, rt, case_id, **values))
    assert refused.status_code == 422
    assert f'id="f-{field}-error">{message}' in refused.text
    assert SEEN in refused.text  # what was typed is kept
    assert count(rt, HomeVisitRow) == 0


def test_the_api_records_a_visit_and_names_the_field_it_refuses(browser, rt, case_id):
    b = browser(pf.SOCIAL_WORKER)
    body = {
        "visited_on": (pf.today(rt) + timedelta(days=1)).isoformat(),
        "visitors": [pf.SOCIAL_WORKER],
        "met_others": "Հարևանը",
        "observations": SEEN,
    }
    refused = b.client.post(f"/api/v1/cases/{case_id}/visits", json=body, headers=csrf(b))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["visited_on"]
    body["visited_on"] = pf.today(rt).isoformat()
    saved = b.client.post(f"/api/v1/cases/{case_id}/visits", json=body, headers=csrf(b))
    assert saved.status_code == 201, saved.text
    listed = b.client.get(f"/api/v1/cases/{case_id}/visits").json()
    assert listed["visits"][0]["met_others"] == "Հարևանը"


def test_goals_and_a_review_are_recorded(browser, rt, case_id):
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    page = b.get(f"/cases/{case_id}/forms/review")
    refused = b.post(
        f"/cases/{case_id}/forms/review",
        {
            "form_token": TOKEN.search(page.text).group(1),
            "reviewed_on": day(rt),
            "reviewers": [pf.SOCIAL_WORKER],
        },
    )
    assert refused.status_code == 422
    assert "This case has no service plan yet" in refused.text
    page = b.get(f"/cases/{case_id}/forms/goal")
    past = b.post(
        f"/cases/{case_id}/forms/goal",
        {
            "form_token": TOKEN.search(page.text).group(1),
            "what": "Աշխատանք",
            "by_when": day(rt, -1),
        },
    )
    assert past.status_code == 422 and 'id="f-by_when-error">This date is in the past.' in past.text
    page = b.get(f"/cases/{case_id}/forms/goal")
    saved = b.post(
        f"/cases/{case_id}/forms/goal",
        {
            "form_token": TOKEN.search(page.text).group(1),
            "what": "Մայրը աշխատանք գտնի",
            "by_when": day(rt, 90),
        },
    )
    assert saved.status_code == 303
    with rt.session_factory() as session:
        goal = session.scalar(select(PlanGoalRow.id))
    page = b.get(f"/cases/{case_id}/forms/review")
    assert "Մայրը աշխատանք գտնի" in page.text
    saved = b.post(
        f"/cases/{case_id}/forms/review",
        {
            "form_token": TOKEN.search(page.text).group(1),
            "reviewed_on": day(rt),
            "reviewers": [pf.SOCIAL_WORKER],
            f"goal_{goal}_status": "achieved",
            f"goal_{goal}_decision": "Մայրն աշխատում է խանութում",
        },
    )
    assert saved.status_code == 303, saved.text
    assert count(rt, PlanReviewRow) == 1
    page = b.get(f"/cases/{case_id}").text
    assert "Plan review recorded" in page and "Մայրն աշխատում է խանութում" in page
    changed = b.client.patch(
        f"/api/v1/cases/{case_id}/goals/{goal}", json={"status": "dropped"}, headers=csrf(b)
    )
    assert changed.status_code == 422
    assert [e["field"] for e in changed.json()["errors"]] == ["reason"]


def test_the_next_visit_is_on_my_work_and_on_the_managers_by_worker(
    browser, rt, clock, publisher, case_id
):
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    assert b.post(f"/cases/{case_id}/forms/visit", visit_form(b, rt, case_id)).status_code == 303
    clock.advance(timedelta(days=11))
    handle(rt, SweepReminders())
    work_off(rt, publisher)
    b = browser(pf.SOCIAL_WORKER)  # a new day, a new login
    in_english(b)
    page = b.get("/my-work").text
    assert f'href="/cases/{case_id}/forms/visit"' in page and "Home visit due" in page
    assert "overdue" in page
    assert f'href="/cases/{case_id}/forms/visit"' in b.get("/").text  # the dashboard's block
    api = b.client.get("/api/v1/my-work").json()
    assert any(i["kind"] == "home_visit" and i["overdue"] for i in api["items"])
    manager = browser("manager")
    in_english(manager)
    team = manager.client.get("/api/v1/my-work").json()["team"]
    [mine] = [w for w in team if w["username"] == pf.SOCIAL_WORKER]
    assert mine["items"][0]["overdue"]
    assert "The team's work, by worker" in manager.get("/my-work").text
