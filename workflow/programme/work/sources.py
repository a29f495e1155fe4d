"""The engine's own sources of "My work", which belong to no room: approval requests
awaiting the worker's decision, and the worker's cases that have stayed in one state
longer than ``my_work.toml`` allows."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select

from workflow.approval_requests import pending_approvals
from workflow.clock import as_utc, local_day
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme.families import FamilyRow
from workflow.programme.reminders import APPROVAL_DECISION
from workflow.programme.shared.cases import final_states
from workflow.programme.shared.work import Worker, WorkItem, owner_of
from workflow.programme.work.config import work_rules
from workflow.runtime import Runtime


def approvals_awaiting(
    rt: Runtime, worker: Worker | None, today: date, until: date
) -> list[WorkItem]:
    # Who decides is a role's tier, so the team's view leaves approvals out.
    if worker is None:
        return []
    return [
        WorkItem(
            kind="approval",
            due_on=local_day(as_utc(request.deadline_at)),
            link="/inbox#h-approvals",
            owner_id=worker.id,
            case_id=request.case_id,
            detail={"approval_id": request.id, "trigger": request.trigger},
            # The approval's own reminder is the same work: one line.
            key=(APPROVAL_DECISION, request.case_id),
        )
        for request in pending_approvals(rt, for_staff=worker.username)
    ]


def stale_cases(rt: Runtime, worker: Worker | None, today: date, until: date) -> list[WorkItem]:
    """Open cases whose last change of state is older than their state's limit; due the
    day the limit passed."""
    rules = work_rules()
    entered = (
        select(CaseEventRow.case_id, func.max(CaseEventRow.at).label("at"))
        .where(
            or_(CaseEventRow.from_state.is_(None), CaseEventRow.from_state != CaseEventRow.to_state)
        )
        .group_by(CaseEventRow.case_id)
        .subquery()
    )
    query = (
        select(CaseRow, entered.c.at, FamilyRow.social_worker_id, FamilyRow.psychologist_id)
        .join(FamilyRow, FamilyRow.case_id == CaseRow.id)
        .join(entered, entered.c.case_id == CaseRow.id)
        .where(CaseRow.state.not_in(final_states(rt)))
    )
    if worker is not None:
        query = query.where(
            or_(FamilyRow.social_worker_id == worker.id, FamilyRow.psychologist_id == worker.id)
        )
    items = []
    with rt.session_factory() as session:
        for case, at, social, psychologist in session.execute(query.order_by(CaseRow.id)):
            days = rules.stale_after(case.state)
            if not days:
                continue
            since = local_day(as_utc(at))
            due = since + timedelta(days=days)
            if due > today:
                continue
            items.append(
                WorkItem(
                    kind="stale_case",
                    due_on=due,
                    link=f"/cases/{case.id}",
                    owner_id=owner_of(worker, social, psychologist),
                    case_id=case.id,
                    detail={
                        "workflow": case.workflow,
                        "state": case.state,
                        "since": since.isoformat(),
                        "days": days,
                    },
                )
            )
    return items
