"""Transitions that need approval: the request, and what is waiting for whom.

A transition with ``approval = { tiers = [...], deadline_days = N }`` in its definition is
not fired by the person who fires it: its guards are checked as usual, and then a request
is recorded (``approval_requests``) with the trigger, reason and data, the requester, the
tiers and the deadline, and put on the case's timeline. The case does not move and its
version stays (a request is not an edit of the case file). ``workflow.approvals`` decides
the tiers in order and fires the transition on the last approval.

The features hear of it through events (``ApprovalAwaiting``, ``ApprovalClosed``): the
programme reminds the approvers of the tier and cancels those reminders once decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflow.activity import note_activity
from workflow.commands import AdvanceCase, ApprovalAwaiting, ApprovalRequested
from workflow.definition import TransitionDef
from workflow.errors import ApprovalRefused
from workflow.machine import SharedMachine
from workflow.persistence.models import ApprovalRow, CaseRow
from workflow.runtime import Runtime
from workflow.unit_of_work import UnitOfWork

PENDING = "pending"
#: pending -> one of these, for good.
CLOSED_STATUSES = ("approved", "rejected", "cancelled", "lapsed")


@dataclass(frozen=True)
class CheckedTransition:
    """A transition found allowed with every guard met, in the caller's unit of work."""

    case: CaseRow
    machine: SharedMachine
    transition: TransitionDef
    actor: str
    reason: str | None


def same_person(first: str, second: str) -> bool:
    return first.casefold() == second.casefold()


def approvers_so_far(row: ApprovalRow) -> list[str]:
    return [d["actor"] for d in row.decisions if d.get("decision") == "approve"]


def excluded_from_tier(row: ApprovalRow) -> tuple[str, ...]:
    """Who may not decide the tier awaited: the requester and every earlier approver."""
    return (row.requested_by, *approvers_so_far(row))


def announce(rt: Runtime, uow: UnitOfWork, event: Any) -> None:
    """The features' reactions to ``event``, in the caller's transaction."""
    for reaction in rt.reactions.get(type(event), ()):
        reaction(rt, uow, event)


def announce_awaiting(rt: Runtime, uow: UnitOfWork, row: ApprovalRow, actor: str) -> None:
    announce(
        rt,
        uow,
        ApprovalAwaiting(
            approval_id=row.id,
            case_id=row.case_id,
            role=row.tiers[row.approved_tiers],
            tier=row.approved_tiers + 1,
            deadline_at=row.deadline_at,
            excluded=excluded_from_tier(row),
            actor=actor,
        ),
    )


def pending_for(session: Session, case_id: int, trigger: str) -> ApprovalRow | None:
    return session.scalar(
        select(ApprovalRow).where(
            ApprovalRow.case_id == case_id,
            ApprovalRow.trigger == trigger,
            ApprovalRow.status == PENDING,
        )
    )


def request_approval(
    rt: Runtime, uow: UnitOfWork, command: AdvanceCase, checked: CheckedTransition
) -> ApprovalRequested:
    """Record the request of a checked transition that needs approval; the caller commits."""
    approval = checked.transition.approval
    assert approval is not None
    case = checked.case
    existing = pending_for(uow.session, case.id, command.trigger)
    if existing is not None:
        raise ApprovalRefused(
            existing.id,
            f"case {case.id} already has a pending request to '{command.trigger}', "
            f"awaiting {existing.tiers[existing.approved_tiers]}: decide or cancel it first",
        )
    now = rt.clock.now()
    row = ApprovalRow(
        case_id=case.id,
        workflow_version=case.workflow_version,
        trigger=command.trigger,
        from_state=case.state,
        reason=checked.reason,
        data=dict(command.data),
        requested_by=checked.actor,
        requested_at=now,
        tiers=list(approval.tiers),
        approved_tiers=0,
        decisions=[],
        status=PENDING,
        deadline_days=approval.deadline_days,
        deadline_at=now + timedelta(days=approval.deadline_days),
    )
    try:
        # A savepoint: two requests made at the same moment both pass the check above;
        # the unique index on pending requests lets one in and the other is told.
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        raise ApprovalRefused(
            None,
            f"case {case.id} already has a pending request to '{command.trigger}', made a "
            "moment ago: decide or cancel it first",
        ) from None
    note_activity(
        uow,
        case=case,
        kind="approval_requested",
        actor=checked.actor,
        now=now,
        reason=checked.reason,
        data={
            "approval_id": row.id,
            "trigger": row.trigger,
            "awaiting": row.tiers[0],
            "tiers": row.tiers,
            "deadline_at": row.deadline_at.isoformat(),
        },
    )
    announce_awaiting(rt, uow, row, checked.actor)
    return ApprovalRequested(
        approval_id=row.id,
        case_id=case.id,
        trigger=row.trigger,
        awaiting=row.tiers[0],
        tier=1,
        tiers=tuple(row.tiers),
        deadline_at=row.deadline_at,
    )


@dataclass(frozen=True)
class ApprovalView:
    """One request as the CLI, the API and the pages show it."""

    id: int
    case_id: int
    trigger: str
    from_state: str
    reason: str | None
    data: dict[str, Any]
    requested_by: str
    requested_at: datetime
    tiers: tuple[str, ...]
    #: The role awaited now (None once closed) and its place, 1-based.
    awaiting: str | None
    tier: int
    status: str
    deadline_at: datetime
    overdue: bool
    decisions: tuple[dict[str, Any], ...]
    outcome_reason: str | None
    closed_by: str | None
    closed_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_id": self.case_id,
            "trigger": self.trigger,
            "from_state": self.from_state,
            "reason": self.reason,
            "data": self.data,
            "requested_by": self.requested_by,
            "requested_at": self.requested_at.isoformat(),
            "tiers": list(self.tiers),
            "awaiting": self.awaiting,
            "tier": self.tier,
            "status": self.status,
            "deadline_at": self.deadline_at.isoformat(),
            "overdue": self.overdue,
            "decisions": list(self.decisions),
            "outcome_reason": self.outcome_reason,
            "closed_by": self.closed_by,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }


def view_of(row: ApprovalRow, now: datetime) -> ApprovalView:
    pending = row.status == PENDING
    return ApprovalView(
        id=row.id,
        case_id=row.case_id,
        trigger=row.trigger,
        from_state=row.from_state,
        reason=row.reason,
        data=dict(row.data or {}),
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        tiers=tuple(row.tiers),
        awaiting=row.tiers[row.approved_tiers] if pending else None,
        tier=min(row.approved_tiers + 1, len(row.tiers)),
        status=row.status,
        deadline_at=row.deadline_at,
        overdue=pending and row.deadline_at <= now,
        decisions=tuple(row.decisions or ()),
        outcome_reason=row.outcome_reason,
        closed_by=row.closed_by,
        closed_at=row.closed_at,
    )


def may_decide(rt: Runtime, session: Session, row: ApprovalRow, actor: str) -> str | None:
    """None if ``actor`` may decide the tier ``row`` awaits, else why not."""
    if row.status != PENDING:
        return f"it is {row.status}, not pending: there is nothing to decide"
    role = row.tiers[row.approved_tiers]
    if same_person(actor, row.requested_by):
        return f"{actor} requested it and cannot approve their own request: another {role} must"
    if any(same_person(actor, earlier) for earlier in approvers_so_far(row)):
        return (
            f"{actor} approved an earlier tier already: tier {row.approved_tiers + 1} "
            f"({role}) needs a different person"
        )
    if rt.approver_check is None:
        return "no programme says who may approve"
    return rt.approver_check(session, actor, role)


def list_approvals(
    rt: Runtime,
    *,
    status: str | None = PENDING,
    case_id: int | None = None,
    for_staff: str | None = None,
) -> list[ApprovalView]:
    """Requests, oldest deadline first; ``for_staff``: only those that person may decide
    now (their role's tier, not their own request, not a tier after their approval)."""
    query = select(ApprovalRow).order_by(ApprovalRow.deadline_at, ApprovalRow.id)
    if status is not None:
        query = query.where(ApprovalRow.status == status)
    if case_id is not None:
        query = query.where(ApprovalRow.case_id == case_id)
    now = rt.clock.now()
    with rt.session_factory() as session:
        rows: Sequence[ApprovalRow] = session.scalars(query).all()
        if for_staff is not None:
            rows = [row for row in rows if may_decide(rt, session, row, for_staff) is None]
        return [view_of(row, now) for row in rows]


def pending_approvals(rt: Runtime, *, for_staff: str | None = None) -> list[ApprovalView]:
    """What waits for a decision: everyone's, or what ``for_staff`` may decide now (their
    "my work" and the dashboard)."""
    return list_approvals(rt, status=PENDING, for_staff=for_staff)
