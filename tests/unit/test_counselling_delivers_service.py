"""A counselling session held while the family's plan has the counselling service of its
kind open is a delivery of that service: the plan, the family file and the reports agree
that psychological support was given."""

from __future__ import annotations

from datetime import timedelta

from tests.programme_fixtures import PSYCHOLOGIST, case_in, today
from web.reports import reporting
from workflow.programme import families as programme_queries
from workflow.programme.counselling import RecordCounselling
from workflow.programme.plans import PlanService
from workflow.services import handle


def plan(rt, case_id: int, service: str) -> int:
    changed = handle(
        rt,
        PlanService(
            case_id=case_id,
            actor="sw",
            service=service,
            target_date=today(rt) + timedelta(days=30),
            provider_staff=PSYCHOLOGIST,
        ),
    )
    return int(changed.record_id)


def session(rt, kind: str, *case_ids: int) -> int:
    recorded = handle(
        rt,
        RecordCounselling(
            kind=kind,
            case_ids=case_ids,
            psychologist=PSYCHOLOGIST,
            held_on=today(rt),
            actor=PSYCHOLOGIST,
        ),
    )
    return int(recorded.session_id)


def plan_line(rt, case_id: int, planned_id: int) -> dict:
    services = programme_queries.family_view(rt, case_id=case_id)["services"]
    return next(p for p in services if p["id"] == planned_id)


def psychological_support(rt) -> tuple[int, int]:
    bar = next(b for b in reporting.services_delivered(rt) if b.code == "psychosocial")
    return bar.value, bar.extra


def test_an_individual_session_is_a_delivery_of_the_planned_counselling(sqlite_runtime):
    rt = sqlite_runtime
    case_id = case_in(rt, "receiving_services")
    planned = plan(rt, case_id, "individual_counselling")
    assert psychological_support(rt) == (0, 0)
    first = session(rt, "individual", case_id)
    second = session(rt, "individual", case_id)
    line = plan_line(rt, case_id, planned)
    assert line["status"] == "in_progress"
    assert [
        (d["delivered_on"], d["quantity"], d["counselling_session_id"]) for d in line["deliveries"]
    ] == [
        (today(rt).isoformat(), 1, first),
        (today(rt).isoformat(), 1, second),
    ]
    assert psychological_support(rt) == (2, 0)
    timeline = programme_queries.family_view(rt, case_id=case_id)
    assert len(timeline["counselling"]) == 2


def test_a_group_session_delivers_only_where_the_plan_has_group_counselling(sqlite_runtime):
    rt = sqlite_runtime
    planned_case = case_in(rt, "enrolled", family_name="Ավագյան", phone="+374 91 000002")
    other_case = case_in(rt, "enrolled", family_name="Բաբայան", phone="+374 91 000003")
    group = plan(rt, planned_case, "group_counselling")
    individual = plan(rt, other_case, "individual_counselling")
    session(rt, "group", planned_case, other_case)
    assert len(plan_line(rt, planned_case, group)["deliveries"]) == 1
    # A group session is no delivery of individual counselling.
    untouched = plan_line(rt, other_case, individual)
    assert (untouched["status"], untouched["deliveries"]) == ("planned", [])
    assert psychological_support(rt) == (1, 0)


def test_a_session_without_a_planned_counselling_service_leaves_the_plan_alone(sqlite_runtime):
    rt = sqlite_runtime
    case_id = case_in(rt, "enrolled")
    session(rt, "individual", case_id)
    services = programme_queries.family_view(rt, case_id=case_id)["services"]
    assert all(p["deliveries"] == [] for p in services)
    assert psychological_support(rt) == (0, 0)
