"""Procurement above HOGATAR_PROCUREMENT_SECOND_APPROVAL_AMD needs a second approver after
the first, another person; at or below it one approval is enough (SQLite)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.programme_fixtures import case_in, ensure_staff
from workflow.delivery import deliver_effect
from workflow.persistence.models import CaseActivityRow
from workflow.programme import procurement as programme_procurement
from workflow.programme.procurement import ApproveProcurement, CancelProcurement
from workflow.programme.procurement.errors import SecondApprovalRefused
from workflow.programme.staff import AddStaff
from workflow.services import handle

THRESHOLD = 200_000  # the default of HOGATAR_PROCUREMENT_SECOND_APPROVAL_AMD


@pytest.fixture
def rt(sqlite_runtime):
    ensure_staff(sqlite_runtime)
    for username, role in (
        ("mgr-ruzanna", "manager"),
        ("proc-levon", "procurement_officer"),
        ("proc-ani", "procurement_officer"),
    ):
        handle(
            sqlite_runtime, AddStaff(username=username, full_name=username, role=role, actor="t")
        )
    assert sqlite_runtime.settings.procurement_second_approval_amd == THRESHOLD
    return sqlite_runtime


@pytest.fixture
def request_id(rt, publisher):
    case_id = case_in(rt, "receiving_services")
    while publisher.sent:  # start_services -> procurement.request_goods
        deliver_effect(rt, outbox_id=publisher.sent.pop(0).outbox_id, task_id="t")
    [request] = programme_procurement.list_procurement(rt, case_id=case_id)
    return request["id"]


def approve(rt, request_id, actor, amount=None):
    return handle(rt, ApproveProcurement(request_id=request_id, actor=actor, amount_amd=amount))


def status_of(rt, request_id):
    [request] = [r for r in programme_procurement.list_procurement(rt) if r["id"] == request_id]
    return request


def test_at_or_below_the_amount_one_approval_is_enough(rt, request_id):
    changed = approve(rt, request_id, "proc-levon", amount=THRESHOLD)
    assert (changed.status, changed.awaiting_second_approval) == ("approved", False)
    assert status_of(rt, request_id)["first_approved_by"] is None


def test_above_the_amount_a_second_person_approves_after_the_first(rt, request_id):
    first = approve(rt, request_id, "proc-levon", amount=250_000)
    assert (first.status, first.awaiting_second_approval) == ("requested", True)
    request = status_of(rt, request_id)
    assert (request["status"], request["first_approved_by"], request["amount_amd"]) == (
        "requested",
        "proc-levon",
        250_000,
    )
    with pytest.raises(SecondApprovalRefused, match="proc-levon approved it first"):
        approve(rt, request_id, "proc-levon")
    with pytest.raises(SecondApprovalRefused, match="the second approval is for that amount"):
        approve(rt, request_id, "mgr-ruzanna", amount=240_000)
    second = approve(rt, request_id, "mgr-ruzanna")
    assert second.status == "approved"
    request = status_of(rt, request_id)
    assert (request["approved_by"], request["first_approved_by"]) == ("mgr-ruzanna", "proc-levon")
    with rt.session_factory() as session:
        kinds = list(
            session.scalars(
                select(CaseActivityRow.kind)
                .where(CaseActivityRow.case_id == request["case_id"])
                .order_by(CaseActivityRow.id)
            )
        )
    # Both approvals are on the case's timeline, in order.
    assert kinds[-2:] == ["procurement_first_approved", "procurement_approved"]


def test_nobody_approves_a_request_they_made(rt, request_id):
    with rt.session_factory.begin() as session:
        from workflow.programme.procurement import ProcurementRequestRow

        session.get(ProcurementRequestRow, request_id).requested_by = "proc-ani"
    with pytest.raises(SecondApprovalRefused, match="proc-ani requested it"):
        approve(rt, request_id, "proc-ani")
    assert approve(rt, request_id, "proc-levon").status == "approved"


def test_a_request_approved_once_can_still_be_cancelled(rt, request_id):
    approve(rt, request_id, "proc-levon", amount=300_000)
    handle(rt, CancelProcurement(request_id=request_id, actor="proc-ani", reason="too dear"))
    assert status_of(rt, request_id)["status"] == "cancelled"
