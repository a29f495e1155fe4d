"""Consent, plans, money, counselling, staff and (bulk) assignment, on SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import (
    PSYCHOLOGIST,
    SOCIAL_WORKER,
    case_in,
    consent,
    ensure_staff,
    register,
    today,
)
from workflow import queries
from workflow.errors import ConcurrentUpdate, InvalidInput, TriggerNotAllowed
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme import families as programme_queries
from workflow.programme import staff as programme_staff
from workflow.programme.assessment import RecordAssessment
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import AssignCase, ReassignCases, WithdrawConsent
from workflow.programme.plans import (
    CancelService,
    DeliverService,
    DeliveryRow,
    PlannedServiceNotFound,
    PlanService,
    ServiceStatusRefused,
    StartService,
)
from workflow.programme.shared.errors import AlreadyExists, CaseIsClosed
from workflow.programme.shared.values import Problems
from workflow.programme.staff import (
    AddCommunity,
    AddStaff,
    DeactivateStaff,
    StaffInactive,
    StaffNotFound,
    WrongStaffRole,
)
from workflow.services import handle


def withdraw(rt, case_id, **kwargs):
    return handle(
        rt,
        WithdrawConsent(case_id=case_id, actor="worker-2", withdrawn_on=today(rt), **kwargs),
    )


def test_withdrawing_consent_closes_the_case_in_one_transaction(sqlite_runtime, publisher):
    case_id = case_in(sqlite_runtime, "receiving_services")
    before = queries.case_view(sqlite_runtime, case_id=case_id)["version"]
    event = withdraw(sqlite_runtime, case_id, reason="Ընտանիքը հրաժարվեց")
    assert (event.closed_from, event.version) == ("receiving_services", before + 2)
    view = queries.case_view(sqlite_runtime, case_id=case_id)
    withdrawn, closed = view["timeline"][-2:]
    assert (withdrawn["trigger"], withdrawn["to"], withdrawn["actor"]) == (
        "withdraw_consent",
        "receiving_services",
        "worker-2",
    )
    assert (closed["trigger"], closed["from"], closed["to"]) == (
        "close",
        "receiving_services",
        "closed",
    )
    assert closed["data"] == {"closure_reason": "consent_withdrawn"}
    assert closed["reason"] == "Ընտանիքը հրաժարվեց"
    # Closing queues no background work of its own; waiting reminders are cancelled.
    assert closed["effects"] == []
    consents = programme_queries.family_view(sqlite_runtime, case_id=case_id)["consents"]
    assert {(c["withdrawn_on"], c["withdrawn_by"]) for c in consents} == {
        (today(sqlite_runtime).isoformat(), "worker-2")
    }


def test_withdrawal_of_a_closed_case_or_a_stale_version_writes_nothing(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled")
    with pytest.raises(ConcurrentUpdate):
        withdraw(sqlite_runtime, case_id, expected_version=2)
    assert queries.case_view(sqlite_runtime, case_id=case_id)["state"] == "enrolled"
    withdraw(sqlite_runtime, case_id)
    with pytest.raises(CaseIsClosed, match="is closed: reopen it"):
        withdraw(sqlite_runtime, case_id)


def test_a_closed_case_file_takes_no_changes(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "closed")
    with pytest.raises(CaseIsClosed):
        consent(sqlite_runtime, case_id)


def test_reassessment_keeps_the_earlier_assessments(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "assessed")
    handle(
        sqlite_runtime,
        RecordAssessment(
            case_id=case_id,
            actor="w",
            assessor=PSYCHOLOGIST,
            assessed_on=today(sqlite_runtime),
            risk_of_abandonment=False,
            criteria=("health_problems",),
            notes="Վիճակը բարելավվել է",
        ),
    )
    assessments = programme_queries.family_view(sqlite_runtime, case_id=case_id)["assessments"]
    assert [(a["risk_of_abandonment"], a["criteria"]) for a in assessments] == [
        (True, ["extreme_poverty", "single_parent"]),
        (False, ["health_problems"]),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"criteria": ("poverty",)}, "criteria: 'poverty' is not an additional criterion"),
        ({"risk_description": None}, "risk_description: describe the risk"),
        ({"assessor": "nobody"}, "no staff member with the username 'nobody'"),
        ({"assessed_on_days": 2}, "assessed_on: .* is in the future"),
    ],
)
def test_assessment_refusals(sqlite_runtime, kwargs, message):
    ensure_staff(sqlite_runtime)
    case_id = register(sqlite_runtime)
    days = kwargs.pop("assessed_on_days", 0)
    values = {
        "assessor": SOCIAL_WORKER,
        "assessed_on": today(sqlite_runtime) + timedelta(days=days),
        "risk_of_abandonment": True,
        "risk_description": "վտանգ",
        **kwargs,
    }
    with pytest.raises(InvalidInput, match=message):
        handle(sqlite_runtime, RecordAssessment(case_id=case_id, actor="w", **values))
    assert queries.case_view(sqlite_runtime, case_id=case_id)["version"] == 2


def plan(rt, case_id, service="medicines", **kwargs):
    kwargs.setdefault("provider_staff", SOCIAL_WORKER)
    return handle(
        rt,
        PlanService(case_id=case_id, actor="w", service=service, target_date=today(rt), **kwargs),
    ).record_id


def deliver(rt, planned_id, **kwargs):
    return handle(
        rt,
        DeliverService(planned_service_id=planned_id, actor="w", delivered_on=today(rt), **kwargs),
    )


def test_a_planned_service_goes_planned_in_progress_delivered(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "receiving_services")
    planned = plan(
        sqlite_runtime, case_id, "clubs", provider_partner="Մշակույթի տուն", provider_staff=None
    )
    handle(sqlite_runtime, StartService(planned_service_id=planned, actor="w"))
    deliver(sqlite_runtime, planned, quantity=4, cost_amd=12_000, notes="Սեպտեմբեր", final=False)
    deliver(sqlite_runtime, planned, quantity=4, cost_amd=12_000, notes="Հոկտեմբեր")
    service = next(
        s
        for s in programme_queries.family_view(sqlite_runtime, case_id=case_id)["services"]
        if s["id"] == planned
    )
    assert service["status"] == "delivered"
    assert [(d["quantity"], d["cost_amd"], d["notes"]) for d in service["deliveries"]] == [
        (4, 12_000, "Սեպտեմբեր"),
        (4, 12_000, "Հոկտեմբեր"),
    ]
    with pytest.raises(ServiceStatusRefused, match="is delivered: it cannot be cancelled"):
        handle(sqlite_runtime, CancelService(planned_service_id=planned, actor="w", reason="x"))
    triggers = [
        e["trigger"] for e in queries.case_view(sqlite_runtime, case_id=case_id)["timeline"]
    ]
    assert triggers[-4:] == ["plan_service", "start_service", "record_delivery", "record_delivery"]


def test_a_cancelled_service_cannot_be_started_or_delivered(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled")
    planned = plan(sqlite_runtime, case_id)
    with pytest.raises(InvalidInput, match="a reason is required to cancel"):
        handle(sqlite_runtime, CancelService(planned_service_id=planned, actor="w", reason=" "))
    handle(sqlite_runtime, CancelService(planned_service_id=planned, actor="w", reason="no need"))
    with pytest.raises(ServiceStatusRefused, match="is cancelled: it cannot be started"):
        handle(sqlite_runtime, StartService(planned_service_id=planned, actor="w"))
    with pytest.raises(ServiceStatusRefused, match="is cancelled: it cannot be delivered"):
        deliver(sqlite_runtime, planned)
    with pytest.raises(PlannedServiceNotFound, match="planned service 999 does not exist"):
        deliver(sqlite_runtime, 999)


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        (-500, "cost_amd: cannot be negative"),
        (12.5, "cost_amd: '12.5' is not a whole number of dram"),
        ("15000", "cost_amd: '15000' is not a whole number of dram"),
        (True, "cost_amd: 'True' is not a whole number"),
        (None, "cost_amd: is required"),
        (3_000_000_000, "more than the case file can hold"),
    ],
)
def test_money_is_whole_non_negative_dram(sqlite_runtime, cost, message):
    case_id = case_in(sqlite_runtime, "enrolled")
    planned = plan(sqlite_runtime, case_id)
    with pytest.raises(Problems, match=message):
        deliver(sqlite_runtime, planned, cost_amd=cost)
    with sqlite_runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(DeliveryRow)) == 0
    assert (
        programme_queries.family_view(sqlite_runtime, case_id=case_id)["services"][0]["status"]
        == "planned"
    )


def test_surgery_needs_a_funder_and_an_amount(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled")
    with pytest.raises(Problems, match="paid by resource mobilisation: give the funder"):
        plan(sqlite_runtime, case_id, "surgery_treatment", provider_partner="Հիվանդանոց")
    with pytest.raises(Problems, match="funded_amount_amd: cannot be negative"):
        plan(sqlite_runtime, case_id, "surgery_treatment", funder="Հիմնադրամ", funded_amount_amd=-1)
    planned = plan(
        sqlite_runtime,
        case_id,
        "surgery_treatment",
        provider_partner="Հրազդանի բժշկական կենտրոն",
        funder="«Առողջ սերունդ» հիմնադրամ",
        funded_amount_amd=850_000,
    )
    service = programme_queries.family_view(sqlite_runtime, case_id=case_id)["services"][0]
    assert (service["id"], service["funder"], service["funded_amount_amd"]) == (
        planned,
        "«Առողջ սերունդ» հիմնադրամ",
        850_000,
    )


def test_plan_refusals_name_the_field(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled")
    with pytest.raises(Problems, match="service: 'yoga' is not in the catalogue"):
        plan(sqlite_runtime, case_id, "yoga")
    with pytest.raises(Problems, match="provider: give the provider"):
        plan(sqlite_runtime, case_id, provider_staff=None)


def counselling(rt, kind, case_ids, **kwargs):
    return handle(
        rt,
        RecordCounselling(
            kind=kind,
            case_ids=tuple(case_ids),
            psychologist=kwargs.pop("psychologist", PSYCHOLOGIST),
            held_on=today(rt),
            actor="psy",
            **kwargs,
        ),
    )


def test_a_group_session_links_several_families(sqlite_runtime):
    first = case_in(sqlite_runtime, "enrolled", phone="+374 91 000001", family_name="Ա")
    second = case_in(sqlite_runtime, "receiving_services", phone="+374 91 000002", family_name="Բ")
    session = counselling(sqlite_runtime, "group", [first, second], follow_up_needed=True)
    for case_id in (first, second):
        sessions = programme_queries.family_view(sqlite_runtime, case_id=case_id)["counselling"]
        assert [(s["id"], s["kind"], s["case_ids"], s["follow_up_needed"]) for s in sessions] == [
            (session.session_id, "group", sorted([first, second]), True)
        ]
        last = queries.case_view(sqlite_runtime, case_id=case_id)["timeline"][-1]
        assert (last["trigger"], last["actor"], last["data"]["families"]) == (
            "record_counselling",
            "psy",
            2,
        )


@pytest.mark.parametrize(
    ("kind", "count", "psychologist", "error", "message"),
    [
        ("group", 1, PSYCHOLOGIST, Problems, "a group session links at least two families"),
        ("individual", 2, PSYCHOLOGIST, Problems, "with exactly one family"),
        ("couple", 1, PSYCHOLOGIST, Problems, "'couple' is not one of"),
        ("individual", 1, SOCIAL_WORKER, WrongStaffRole, "is a social worker, not a psychologist"),
    ],
)
def test_counselling_refusals(sqlite_runtime, kind, count, psychologist, error, message):
    cases = [
        case_in(sqlite_runtime, "enrolled", phone=f"+374 91 00000{n}", family_name=f"Ա{n}")
        for n in range(count)
    ]
    with pytest.raises(error, match=message):
        counselling(sqlite_runtime, kind, cases, psychologist=psychologist)


def add_worker(rt, username, role="social_worker"):
    handle(
        rt, AddStaff(username=username, full_name=f"Աշխատող {username}", role=role, actor="admin")
    )


def test_assignment_checks_the_role_and_records_the_change(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled", actor="worker-1")  # nobody assigned
    with pytest.raises(WrongStaffRole, match="psy-gohar is a psychologist, not a social worker"):
        handle(sqlite_runtime, AssignCase(case_id=case_id, actor="m", social_worker=PSYCHOLOGIST))
    with pytest.raises(StaffNotFound):
        handle(sqlite_runtime, AssignCase(case_id=case_id, actor="m", psychologist="ghost"))
    event = handle(
        sqlite_runtime,
        AssignCase(
            case_id=case_id, actor="m", social_worker=SOCIAL_WORKER, psychologist=PSYCHOLOGIST
        ),
    )
    last = queries.case_view(sqlite_runtime, case_id=case_id)["timeline"][-1]
    assert (last["version"], last["trigger"], last["actor"]) == (event.version, "assign", "m")
    assert last["data"] == {
        "social_worker": {"from": None, "to": SOCIAL_WORKER},
        "psychologist": {"from": None, "to": PSYCHOLOGIST},
    }
    view = programme_queries.family_view(sqlite_runtime, case_id=case_id)
    assert (view["social_worker"], view["psychologist"]) == (SOCIAL_WORKER, PSYCHOLOGIST)


def test_bulk_reassignment_moves_every_open_case_and_records_it(sqlite_runtime):
    ensure_staff(sqlite_runtime)
    add_worker(sqlite_runtime, "sw-leaving")
    add_worker(sqlite_runtime, "sw-taking")
    add_worker(sqlite_runtime, "sw-other")
    mine = [
        case_in(sqlite_runtime, state, phone=f"+374 91 10000{n}", family_name=f"Ընտանիք{n}")
        for n, state in enumerate(["referred", "enrolled", "enrolled"])
    ]
    closed = case_in(sqlite_runtime, "enrolled", phone="+374 91 200000", family_name="Փակ")
    other = case_in(sqlite_runtime, "enrolled", phone="+374 91 300000", family_name="Այլ")
    for case_id in [*mine, closed]:
        handle(sqlite_runtime, AssignCase(case_id=case_id, actor="m", social_worker="sw-leaving"))
    handle(sqlite_runtime, AssignCase(case_id=other, actor="m", social_worker="sw-other"))
    withdraw(sqlite_runtime, closed)
    handle(sqlite_runtime, DeactivateStaff(username="sw-leaving", actor="admin"))

    versions = {c: queries.case_view(sqlite_runtime, case_id=c)["version"] for c in mine}
    moved = handle(
        sqlite_runtime, ReassignCases(from_staff="sw-leaving", to_staff="sw-taking", actor="m")
    )
    assert moved.case_ids == tuple(mine) and moved.role == "social_worker"
    for case_id in mine:
        view = queries.case_view(sqlite_runtime, case_id=case_id)
        assert view["version"] == versions[case_id] + 1
        last = view["timeline"][-1]
        assert (last["trigger"], last["actor"], last["data"]) == (
            "reassign",
            "m",
            {"role": "social_worker", "from": "sw-leaving", "to": "sw-taking"},
        )
        assert (
            programme_queries.family_view(sqlite_runtime, case_id=case_id)["social_worker"]
            == "sw-taking"
        )
    # The closed case keeps its history; the other worker's case is untouched.
    assert programme_queries.family_view(sqlite_runtime, case_id=closed)["social_worker"] == (
        "sw-leaving"
    )
    assert programme_queries.family_view(sqlite_runtime, case_id=other)["social_worker"] == (
        "sw-other"
    )


def test_reassignment_refusals_write_nothing(sqlite_runtime):
    ensure_staff(sqlite_runtime)
    add_worker(sqlite_runtime, "sw-a")
    add_worker(sqlite_runtime, "sw-b")
    case_id = case_in(sqlite_runtime, "enrolled")
    handle(sqlite_runtime, AssignCase(case_id=case_id, actor="m", social_worker="sw-a"))
    with sqlite_runtime.session_factory() as session:
        events = session.scalar(select(func.count()).select_from(CaseEventRow))
    with pytest.raises(WrongStaffRole, match="not a social worker"):
        handle(sqlite_runtime, ReassignCases(from_staff="sw-a", to_staff=PSYCHOLOGIST, actor="m"))
    handle(sqlite_runtime, DeactivateStaff(username="sw-b", actor="admin"))
    with pytest.raises(StaffInactive, match="sw-b is no longer active"):
        handle(sqlite_runtime, ReassignCases(from_staff="sw-a", to_staff="sw-b", actor="m"))
    with pytest.raises(StaffNotFound):
        handle(sqlite_runtime, ReassignCases(from_staff="nobody", to_staff="sw-a", actor="m"))
    with sqlite_runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseEventRow)) == events


def test_casefile_changes_honour_the_expected_version(sqlite_runtime):
    case_id = case_in(sqlite_runtime, "enrolled")
    version = queries.case_view(sqlite_runtime, case_id=case_id)["version"]
    with pytest.raises(ConcurrentUpdate, match="changed by someone else"):
        handle(
            sqlite_runtime,
            AssignCase(
                case_id=case_id,
                actor="m",
                social_worker=SOCIAL_WORKER,
                expected_version=version - 1,
            ),
        )
    handle(
        sqlite_runtime,
        AssignCase(
            case_id=case_id, actor="m", social_worker=SOCIAL_WORKER, expected_version=version
        ),
    )


def test_staff_and_communities_are_data(sqlite_runtime):
    with pytest.raises(Problems) as problems:
        handle(
            sqlite_runtime,
            AddStaff(
                username="A B", full_name="", role="boss", actor="x", language="fr", email="nope"
            ),
        )
    assert [p.field for p in problems.value.problems] == [
        "username",
        "full_name",
        "role",
        "language",
        "email",
    ]
    add_worker(sqlite_runtime, "lilit.p", role="procurement_officer")
    with pytest.raises(AlreadyExists):
        add_worker(sqlite_runtime, "lilit.p")
    handle(
        sqlite_runtime,
        AddCommunity(code="nor_geghi", name_hy="Նոր Գեղի", name_en="Nor Geghi", actor="admin"),
    )
    with pytest.raises(AlreadyExists, match="already exists"):
        handle(
            sqlite_runtime,
            AddCommunity(code="x", name_hy="ՆՈՐ ԳԵՂԻ", name_en="Other", actor="admin"),
        )
    case_id = register(sqlite_runtime, community="Նոր Գեղի")
    assert queries.case_view(sqlite_runtime, case_id=case_id)["community"] == "Նոր Գեղի"
    codes = [c["code"] for c in programme_staff.list_communities(sqlite_runtime)]
    assert len(codes) == 16 and codes[-1] == "nor_geghi"


def test_the_engine_still_refuses_a_transition_on_a_registered_case(sqlite_runtime):
    from workflow.commands import AdvanceCase

    case_id = register(sqlite_runtime)
    with pytest.raises(TriggerNotAllowed):
        handle(sqlite_runtime, AdvanceCase(case_id=case_id, trigger="enrol", actor="w"))
    with sqlite_runtime.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "referred"
