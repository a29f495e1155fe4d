"""Home visits, plan goals and plan reviews on SQLite: what each records, the reminders
they schedule (swept like every other), "My work" listing them, and every refusal
leaving nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.web.work_fixtures import work_off
from workflow.persistence.models import CaseEventRow
from workflow.programme.families import AssignCase, MemberRow
from workflow.programme.reminders import SweepReminders, list_reminders
from workflow.programme.shared.values import Problems
from workflow.programme.staff import AddStaff
from workflow.programme.visits import (
    AddGoal,
    GoalDecision,
    HomeVisitRow,
    PlanGoalRow,
    PlanReviewRow,
    RecordReview,
    RecordVisit,
    UpdateGoal,
    add_months,
    visits_and_plan,
)
from workflow.programme.work import my_work
from workflow.services import handle

MANAGER = "mgr-nune"


@pytest.fixture
def case_id(sqlite_runtime):
    rt = sqlite_runtime
    pf.ensure_staff(rt)
    handle(rt, AddStaff(username=MANAGER, full_name="Նունե", role="manager", actor="admin"))
    case = pf.register(rt)
    handle(rt, AssignCase(case_id=case, actor="admin", social_worker=pf.SOCIAL_WORKER))
    return case


def member_ids(rt, case_id):
    with rt.session_factory() as session:
        return list(session.scalars(select(MemberRow.id).order_by(MemberRow.id)))


def visit(rt, case_id, **kw):
    values = {
        "case_id": case_id,
        "actor": pf.SOCIAL_WORKER,
        "visited_on": pf.today(rt),
        "visitors": (pf.SOCIAL_WORKER, pf.PSYCHOLOGIST),
        "observations": "Տունը տաք է, երեխաները դպրոց են գնում",
        "met_members": tuple(member_ids(rt, case_id)[:1]),
        "next_visit_due": pf.today(rt) + timedelta(days=10),
    } | kw
    return handle(rt, RecordVisit(**values))


def rows(rt, model):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_visit_is_recorded_on_the_timeline_and_schedules_its_next_visit(sqlite_runtime, case_id):
    rt = sqlite_runtime
    result = visit(rt, case_id, met_others="Տատիկը")
    found = visits_and_plan(rt, case_id=case_id)
    [v] = found["visits"]
    assert [p["username"] for p in v["visitors"]] == [pf.SOCIAL_WORKER, pf.PSYCHOLOGIST]
    assert v["met_others"] == "Տատիկը" and len(v["met_members"]) == 1
    assert found["next_visit_due"] == pf.today(rt) + timedelta(days=10)
    with rt.session_factory() as session:
        event = session.scalar(select(CaseEventRow).where(CaseEventRow.version == result.version))
    assert event.trigger == "record_home_visit" and "observations" not in event.data
    [reminder] = list_reminders(rt, case_id=case_id)
    assert reminder["kind"] == "home_visit_due" and reminder["status"] == "scheduled"
    assert reminder["recipient"] == pf.SOCIAL_WORKER
    # The next visit replaces the reminder still waiting.
    visit(rt, case_id, next_visit_due=pf.today(rt) + timedelta(days=20))
    statuses = sorted(r["status"] for r in list_reminders(rt, case_id=case_id))
    assert statuses == ["cancelled", "scheduled"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"visited_on": "tomorrow"}, "visited_on"),
        ({"next_visit_due": "before"}, "next_visit_due"),
        ({"visitors": ()}, "visitors"),
        ({"visitors": ("nobody-here",)}, "visitors"),
        ({"observations": "  "}, "observations"),
        ({"met_members": (), "met_others": None}, "met_members"),
        ({"met_members": (99999,)}, "met_members"),
    ],
)
def test_a_bad_visit_is_refused_beside_its_field_and_nothing_is_written(
    sqlite_runtime, case_id, change, field
):
    rt = sqlite_runtime
    day = pf.today(rt)
    if change.get("visited_on") == "tomorrow":
        change = {"visited_on": day + timedelta(days=1), "next_visit_due": None}
    if change.get("next_visit_due") == "before":
        change = {"next_visit_due": day - timedelta(days=1)}
    events = rows(rt, CaseEventRow)
    with pytest.raises(Problems) as refused:
        visit(rt, case_id, **change)
    assert field in {p.field for p in refused.value.problems}
    assert rows(rt, HomeVisitRow) == 0 and rows(rt, CaseEventRow) == events
    assert list_reminders(rt, case_id=case_id) == []


def test_goals_are_added_updated_and_the_first_schedules_the_review(sqlite_runtime, case_id):
    rt = sqlite_runtime
    day = pf.today(rt)
    goal = handle(
        rt,
        AddGoal(
            case_id=case_id,
            actor=pf.SOCIAL_WORKER,
            what="Մայրը աշխատանք գտնի",
            by_when=day + timedelta(days=90),
        ),
    ).record_id
    [reminder] = list_reminders(rt, case_id=case_id)
    assert reminder["kind"] == "plan_review_due"
    assert reminder["due_at"].startswith((add_months(day, 6) - timedelta(days=14)).isoformat())
    assert visits_and_plan(rt, case_id=case_id)["next_review_on"] == add_months(day, 6)
    with pytest.raises(Problems) as refused:
        handle(rt, UpdateGoal(goal_id=goal, actor=pf.SOCIAL_WORKER, status="dropped"))
    assert {p.field for p in refused.value.problems} == {"reason"}
    handle(
        rt,
        UpdateGoal(goal_id=goal, actor=pf.SOCIAL_WORKER, status="dropped", reason="Տեղափոխվեցին"),
    )
    [g] = visits_and_plan(rt, case_id=case_id)["goals"]
    assert g["status"] == "dropped" and g["drop_reason"] == "Տեղափոխվեցին"


@pytest.mark.parametrize(
    ("what", "by_when", "field"),
    [("", 30, "what"), ("Աշխատանք", -1, "by_when")],
)
def test_a_goal_without_what_or_in_the_past_is_refused(
    sqlite_runtime, case_id, what, by_when, field
):
    rt = sqlite_runtime
    with pytest.raises(Problems) as refused:
        handle(
            rt,
            AddGoal(
                case_id=case_id,
                actor=pf.SOCIAL_WORKER,
                what=what,
                by_when=pf.today(rt) + timedelta(days=by_when),
            ),
        )
    assert field in {p.field for p in refused.value.problems}
    assert rows(rt, PlanGoalRow) == 0 and list_reminders(rt, case_id=case_id) == []


def test_a_review_decides_per_goal_and_sets_the_next(sqlite_runtime, case_id):
    rt = sqlite_runtime
    day = pf.today(rt)
    with pytest.raises(Problems) as refused:
        handle(
            rt,
            RecordReview(
                case_id=case_id,
                actor=pf.SOCIAL_WORKER,
                reviewed_on=day,
                reviewers=(pf.SOCIAL_WORKER,),
            ),
        )
    assert {p.field for p in refused.value.problems} == {"plan"}
    goal = handle(
        rt, AddGoal(case_id=case_id, actor=pf.SOCIAL_WORKER, what="Դպրոց", by_when=day)
    ).record_id
    with pytest.raises(Problems) as refused:
        handle(
            rt,
            RecordReview(
                case_id=case_id,
                actor=pf.SOCIAL_WORKER,
                reviewed_on=day,
                reviewers=(pf.SOCIAL_WORKER,),
            ),
        )
    assert {p.field for p in refused.value.problems} == {f"goal_{goal}_decision"}
    handle(
        rt,
        RecordReview(
            case_id=case_id,
            actor=pf.SOCIAL_WORKER,
            reviewed_on=day,
            reviewers=(pf.SOCIAL_WORKER, MANAGER),
            decisions=(
                GoalDecision(goal_id=goal, decision="Երեխաները դպրոց են գնում", status="achieved"),
            ),
        ),
    )
    found = visits_and_plan(rt, case_id=case_id)
    assert found["goals"][0]["status"] == "achieved"
    assert found["next_review_on"] == add_months(day, 6)
    [review] = found["reviews"]
    assert review["decisions"][0]["what"] == "Դպրոց"
    assert rows(rt, PlanReviewRow) == 1
    statuses = sorted(r["status"] for r in list_reminders(rt, case_id=case_id))
    assert statuses == ["cancelled", "scheduled"]


def test_the_next_visit_reminder_is_on_my_work_and_the_managers_by_worker(
    sqlite_runtime, clock, publisher, case_id
):
    rt = sqlite_runtime
    visit(rt, case_id)
    work_off(rt, publisher)
    mine = my_work(rt, username=pf.SOCIAL_WORKER)
    assert [i["kind"] for i in mine["items"] if i["case_id"] == case_id] == []  # 10 days out
    clock.advance(timedelta(days=11))
    handle(rt, SweepReminders())
    work_off(rt, publisher)
    mine = my_work(rt, username=pf.SOCIAL_WORKER)
    [item] = [i for i in mine["items"] if i["kind"] == "home_visit"]
    assert item["link"] == f"/cases/{case_id}/forms/visit" and item["overdue"]
    assert item["detail"]["reminder_status"] == "sent"
    team = my_work(rt, username=MANAGER)["team"]
    [worker] = [w for w in team if w["username"] == pf.SOCIAL_WORKER]
    assert worker["overdue"] >= 1
    assert worker["items"][0]["overdue"] and any(i["kind"] == "home_visit" for i in worker["items"])


def test_a_case_long_in_one_state_is_on_my_work(sqlite_runtime, clock, case_id):
    rt = sqlite_runtime
    assert not [
        i for i in my_work(rt, username=pf.SOCIAL_WORKER)["items"] if i["kind"] == "stale_case"
    ]
    clock.advance(timedelta(days=15))  # referred: 14 days (config/programme/my_work.toml)
    [item] = [
        i for i in my_work(rt, username=pf.SOCIAL_WORKER)["items"] if i["kind"] == "stale_case"
    ]
    assert item["case_id"] == case_id and item["detail"]["state"] == "referred"


def test_add_months_keeps_the_day_or_takes_the_last():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_anonymising_a_closed_case_removes_what_visits_goals_and_reviews_say(sqlite_runtime):
    from tests.privacy_fixtures import close, full_case
    from workflow.programme.privacy import MARK, RunRetention, run_retention
    from workflow.programme.privacy.subject_access import subject_file

    rt = sqlite_runtime
    case = full_case(rt)
    day = pf.today(rt)
    visit(rt, case, actor="cli:ops", met_others="Հարևանը", met_members=())
    goal = handle(
        rt, AddGoal(case_id=case, actor="cli:ops", what="Աշխատանք", by_when=day)
    ).record_id
    handle(
        rt,
        RecordReview(
            case_id=case,
            actor="cli:ops",
            reviewed_on=day,
            reviewers=(pf.SOCIAL_WORKER,),
            decisions=(GoalDecision(goal_id=goal, decision="Գտավ", status="achieved"),),
        ),
    )
    exported, _ = subject_file(rt, case)
    assert exported["home_visits"][0]["met_others"] == "Հարևանը"
    assert exported["plan_reviews"][0]["decisions"][0]["decision"] == "Գտավ"
    close(rt, case)
    rt.clock.advance(timedelta(days=6 * 366))
    run_retention(rt, RunRetention(actor="cli:test", dry_run=False))
    with rt.session_factory() as session:
        row = session.scalar(select(HomeVisitRow))
        assert (row.observations, row.met_others, row.visited_on) == (MARK, None, day)
        g = session.get(PlanGoalRow, goal)
        assert (g.what, g.status) == (MARK, "achieved")
        assert session.scalar(select(PlanReviewRow)).decisions == []


def test_my_work_gathers_referrals_deliveries_goods_and_approvals(sqlite_runtime, clock, publisher):
    from workflow.commands import AdvanceCase

    rt = sqlite_runtime
    pf.ensure_staff(rt)
    handle(rt, AddStaff(username="buyer", full_name="Նարեկ", role="procurement_officer", actor="t"))
    manager = pf.ensure_manager(rt)
    case = pf.case_in(rt, "receiving_services")  # referred to a partner, goods requested
    work_off(rt, publisher)
    clock.advance(timedelta(days=14))  # the delivery planned 20 days out is this week's
    kinds = {i["kind"] for i in my_work(rt, username=pf.SOCIAL_WORKER)["items"]}
    assert {"referral_awaiting_answer", "delivery_due"} <= kinds, kinds
    [goods] = [i for i in my_work(rt, username="buyer")["items"] if i["kind"] == "goods_approval"]
    assert goods["case_id"] == case and goods["link"].startswith("/procurement/")
    handle(
        rt,
        AdvanceCase(
            case_id=case, trigger="close", actor=pf.SOCIAL_WORKER, reason="x", data=pf.CLOSE
        ),
    )
    work_off(rt, publisher)
    approvals = [i for i in my_work(rt, username=manager)["items"] if i["kind"] == "approval"]
    assert [a["link"] for a in approvals] == ["/inbox#h-approvals"]
    assert not [
        i for i in my_work(rt, username=pf.SOCIAL_WORKER)["items"] if i["kind"] == "approval"
    ]
