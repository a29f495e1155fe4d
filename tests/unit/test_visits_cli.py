"""`hogatar visit record | list`, `hogatar plan goal add | update`, `hogatar plan review`
and `hogatar my-work`: the same service calls as the web; bad input is one line and
exit 2 with nothing written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import PSYCHOLOGIST, SOCIAL_WORKER, ensure_staff, register, today
from tests.unit.test_programme_cli import hogatar, ok  # noqa: F401 - the fixture
from workflow.programme.families import AssignCase
from workflow.programme.visits import HomeVisitRow, PlanGoalRow, PlanReviewRow
from workflow.services import handle

SEEN = "Տունը մաքուր է, երեխաները առողջ են"


@pytest.fixture
def case_id(sqlite_runtime):
    ensure_staff(sqlite_runtime)
    case = register(sqlite_runtime, actor=SOCIAL_WORKER)
    handle(sqlite_runtime, AssignCase(case_id=case, actor="t", social_worker=SOCIAL_WORKER))
    return case


def count(rt, model):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def record(hogatar, rt, case_id, *extra, day=None, staff=(SOCIAL_WORKER,)):  # noqa: F811
    args = ["visit", "record", "--case", str(case_id), "--date", day or today(rt).isoformat()]
    for username in staff:
        args += ["--staff", username]
    return hogatar(*args, "--observations", SEEN, "--others", "Տատիկը", *extra)


def test_visit_goal_review_and_my_work_from_the_command_line(hogatar, sqlite_runtime, case_id):  # noqa: F811
    rt = sqlite_runtime
    due = (today(rt) + timedelta(days=3)).isoformat()
    assert "home visit #" in ok(
        record(
            hogatar,
            rt,
            case_id,
            "--next-due",
            due,
            "--actor",
            SOCIAL_WORKER,
            staff=(SOCIAL_WORKER, PSYCHOLOGIST),
        )
    )
    listed = json.loads(ok(hogatar("visit", "list", "--case", str(case_id), "--json")))
    assert listed["visits"][0]["next_visit_due"] == due
    by = (today(rt) + timedelta(days=60)).isoformat()
    ok(hogatar("plan", "goal", "add", "--case", str(case_id), "--what", "Աշխատանք", "--by", by))
    with rt.session_factory() as session:
        goal = session.scalar(select(PlanGoalRow.id))
    ok(
        hogatar(
            "plan",
            "review",
            "--case",
            str(case_id),
            "--date",
            today(rt).isoformat(),
            "--staff",
            SOCIAL_WORKER,
            "--decision",
            f"{goal}:open:Շարունակում ենք",
        )
    )
    assert count(rt, PlanReviewRow) == 1
    ok(hogatar("plan", "goal", "update", "--goal", str(goal), "--status", "achieved"))
    work = json.loads(ok(hogatar("my-work", "--actor", SOCIAL_WORKER, "--json")))
    assert [i["kind"] for i in work["items"] if i["kind"] == "home_visit"] == ["home_visit"]
    assert f"/cases/{case_id}/forms/visit" in ok(hogatar("my-work", "--actor", SOCIAL_WORKER))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": "future"}, "visited_on"),
        ({"extra": ("--next-due", "past")}, "next_visit_due"),
        ({"staff": ("nobody",)}, "visitors"),
        ({"day": "31.02.2026"}, "--date"),
    ],
)
def test_a_bad_visit_is_one_line_exit_2_and_nothing_written(
    hogatar,  # noqa: F811
    sqlite_runtime,
    case_id,
    change,
    field,
):
    rt = sqlite_runtime
    day = change.get("day")
    if day == "future":
        day = (today(rt) + timedelta(days=1)).isoformat()
    extra = tuple(
        (today(rt) - timedelta(days=1)).isoformat() if e == "past" else e
        for e in change.get("extra", ())
    )
    code, _, err = record(
        hogatar, rt, case_id, *extra, day=day, staff=change.get("staff", (SOCIAL_WORKER,))
    )
    assert code == 2 and len(err.strip().splitlines()) == 1 and field in err, err
    assert count(rt, HomeVisitRow) == 0


def test_a_goal_in_the_past_a_review_without_a_plan_and_an_unknown_actor_exit_2(
    hogatar,  # noqa: F811
    sqlite_runtime,
    case_id,
):
    rt = sqlite_runtime
    past = (today(rt) - timedelta(days=1)).isoformat()
    code, _, err = hogatar(
        "plan", "goal", "add", "--case", str(case_id), "--what", "X", "--by", past
    )
    assert code == 2 and "by_when" in err and len(err.strip().splitlines()) == 1
    code, _, err = hogatar(
        "plan",
        "review",
        "--case",
        str(case_id),
        "--date",
        today(rt).isoformat(),
        "--staff",
        SOCIAL_WORKER,
    )
    assert code == 2 and "plan" in err and len(err.strip().splitlines()) == 1
    assert count(rt, PlanGoalRow) == 0 and count(rt, PlanReviewRow) == 0
    code, _, err = hogatar("my-work", "--actor", "nobody-here")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
