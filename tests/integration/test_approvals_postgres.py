"""Approvals against PostgreSQL: of concurrent approvers exactly one decides and the case
closes once; of concurrent requests exactly one is recorded."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import CLOSE, case_in, ensure_staff
from workflow.approval_requests import list_approvals
from workflow.commands import AdvanceCase, ApprovalRequested, DecideApproval
from workflow.errors import ApprovalRefused
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme.reminders import ReminderRow
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
APPROVERS = 8


def race(clients: int, work) -> list[str]:
    barrier = threading.Barrier(clients)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        barrier.wait()
        try:
            work(number)
            outcome = "won"
        except ApprovalRefused:
            outcome = "refused"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_concurrent_approvers_one_wins_and_the_case_closes_once(clean_db, clean_redis, runtime_for):
    rt = runtime_for(clean_db, clean_redis)
    ensure_staff(rt)
    managers = [f"mgr-{n}" for n in range(APPROVERS)]
    for username in managers:
        handle(rt, AddStaff(username=username, full_name=username, role="manager", actor="t"))
    case_id = case_in(rt, "enrolled")
    requested = handle(
        rt, AdvanceCase(case_id=case_id, trigger="close", actor="worker-1", data=CLOSE)
    )
    assert isinstance(requested, ApprovalRequested)

    def approve(number: int) -> None:
        handle(
            rt,
            DecideApproval(
                approval_id=requested.approval_id, decision="approve", actor=managers[number]
            ),
        )

    assert Counter(race(APPROVERS, approve)) == Counter(won=1, refused=APPROVERS - 1)
    [view] = list_approvals(rt, status=None)
    assert view.status == "approved"
    assert len(view.decisions) == 1  # the losers' decisions were not written
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "closed"
        closes = session.scalar(
            select(func.count())
            .select_from(CaseEventRow)
            .where(CaseEventRow.case_id == case_id, CaseEventRow.trigger == "close")
        )
        assert closes == 1
        waiting = session.scalar(
            select(func.count())
            .select_from(ReminderRow)
            .where(
                ReminderRow.approval_id == requested.approval_id,
                ReminderRow.status == "scheduled",
            )
        )
        assert waiting == 0


def test_concurrent_requests_of_one_step_record_one(clean_db, clean_redis, runtime_for):
    rt = runtime_for(clean_db, clean_redis)
    ensure_staff(rt)
    case_id = case_in(rt, "enrolled")

    def request(number: int) -> None:
        handle(
            rt,
            AdvanceCase(case_id=case_id, trigger="close", actor=f"worker-{number}", data=CLOSE),
        )

    assert Counter(race(6, request)) == Counter(won=1, refused=5)
    assert [view.status for view in list_approvals(rt, status=None)] == ["pending"]
