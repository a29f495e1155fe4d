"""Deciding approval requests (``workflow.approval_requests`` records them).

The rules, each checked under the request's row lock so that of two people deciding at
once exactly one decision counts (the other finds the tier decided and is refused):

- only the tier awaited can be decided, so tiers go in order by construction, and a
  decided tier cannot be decided again;
- the approver has the tier's role (the programme's ``approver_check``), and is neither
  the requester nor an earlier approver of the same request;
- a rejection needs a reason; the requester may withdraw (cancel) a pending request;
- the last approval fires the transition in the same transaction, with the requester's
  reason and data, judged by the case's own definition version: its guards are checked
  again then. If they fail, nothing is decided and the request stays pending; if the
  case moved on (the trigger is no longer allowed, or the case runs on another version),
  the request is closed as lapsed and the approver is told.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.activity import note_activity, require_actor
from workflow.approval_requests import (
    PENDING,
    announce,
    announce_awaiting,
    may_decide,
    same_person,
)
from workflow.commands import (
    AdvanceCase,
    ApprovalClosed,
    ApprovalDecided,
    CancelApproval,
    DecideApproval,
)
from workflow.errors import (
    ApprovalBlocked,
    ApprovalLapsed,
    ApprovalNotFound,
    ApprovalRefused,
    GuardFailed,
    InvalidInput,
    TriggerNotAllowed,
)
from workflow.persistence.models import ApprovalRow, CaseRow
from workflow.runtime import Runtime
from workflow.services import advance_case_in
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

DECISIONS = ("approve", "reject")


def locked_approval(session: Session, approval_id: int) -> ApprovalRow:
    # populate_existing: a row this session saw before the lock is read again, so a
    # decision committed meanwhile by someone else is what the checks see.
    row = session.get(ApprovalRow, approval_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise ApprovalNotFound(approval_id)
    return row


def _case(uow: UnitOfWork, row: ApprovalRow) -> CaseRow:
    # Locked too: the transition's compare-and-set would catch a concurrent change, but
    # the lock makes the second decider wait and then see the request decided.
    case = uow.session.get(CaseRow, row.case_id, with_for_update=True)
    assert case is not None
    return case


def _close(
    rt: Runtime,
    uow: UnitOfWork,
    row: ApprovalRow,
    *,
    status: str,
    actor: str,
    reason: str | None,
    data: dict[str, Any] | None = None,
) -> None:
    now = rt.clock.now()
    row.status = status
    row.closed_at = now
    row.closed_by = actor
    row.outcome_reason = reason
    note_activity(
        uow,
        case=_case(uow, row),
        kind=f"approval_{status}",
        actor=actor,
        now=now,
        reason=reason,
        data={"approval_id": row.id, "trigger": row.trigger, **(data or {})},
    )
    announce(rt, uow, ApprovalClosed(row.id, row.case_id, status, actor))


def decide_approval(rt: Runtime, uow: UnitOfWork, command: DecideApproval) -> ApprovalDecided:
    actor = require_actor(command.actor)
    if command.decision not in DECISIONS:
        raise InvalidInput(
            f"decision must be one of {', '.join(DECISIONS)}, got {command.decision!r}"
        )
    reason = clean(command.reason)
    if command.decision == "reject" and not reason:
        raise InvalidInput("a rejection needs a reason: say why the request is rejected")
    row = locked_approval(uow.session, command.approval_id)
    refusal = may_decide(rt, uow.session, row, actor)
    if refusal is not None:
        raise ApprovalRefused(row.id, refusal)
    tier = row.approved_tiers
    role = row.tiers[tier]
    now = rt.clock.now()
    decision = {
        "tier": tier + 1,
        "role": role,
        "actor": actor,
        "decision": command.decision,
        "reason": reason,
        "at": now.isoformat(),
    }
    # A new list: JSON columns notice assignment, not changes inside the value.
    row.decisions = [*row.decisions, decision]
    if command.decision == "reject":
        _close(rt, uow, row, status="rejected", actor=actor, reason=reason, data={"tier": tier + 1})
        uow.commit()
        return ApprovalDecided(row.id, row.case_id, "rejected")
    row.approved_tiers = tier + 1
    if row.approved_tiers < len(row.tiers):
        row.deadline_at = now + timedelta(days=row.deadline_days)
        note_activity(
            uow,
            case=_case(uow, row),
            kind="approval_given",
            actor=actor,
            now=now,
            reason=reason,
            data={
                "approval_id": row.id,
                "trigger": row.trigger,
                "tier": tier + 1,
                "role": role,
                "awaiting": row.tiers[row.approved_tiers],
            },
        )
        announce(rt, uow, ApprovalClosed(row.id, row.case_id, "tier_approved", actor))
        announce_awaiting(rt, uow, row, actor)
        uow.commit()
        return ApprovalDecided(row.id, row.case_id, PENDING, awaiting=row.tiers[row.approved_tiers])
    return _fire(rt, uow, row, actor=actor, reason=reason)


def _fire(
    rt: Runtime, uow: UnitOfWork, row: ApprovalRow, *, actor: str, reason: str | None
) -> ApprovalDecided:
    """The last approval: the transition, as requested, in this transaction."""
    case = _case(uow, row)
    if case.workflow_version != row.workflow_version:
        _lapse(
            rt,
            uow,
            row,
            actor=actor,
            why=(
                f"case {case.id} was moved from workflow version {row.workflow_version} "
                f"to {case.workflow_version} since the request"
            ),
        )
    command = AdvanceCase(
        case_id=row.case_id,
        trigger=row.trigger,
        actor=actor,
        reason=row.reason,
        data=dict(row.data or {}),
    )
    # No longer pending while the step happens: listeners that lapse what a move left
    # impossible (``lapse_overtaken``) must not take this very request for one of those.
    row.status = "approved"
    try:
        advanced = advance_case_in(rt, uow, command)
    except TriggerNotAllowed as refused:
        _lapse(rt, uow, row, actor=actor, why=str(refused))
    except GuardFailed as refused:
        raise ApprovalBlocked(row.id, refused) from None
    row.case_event_id = advanced.event_id
    _close(
        rt,
        uow,
        row,
        status="approved",
        actor=actor,
        reason=reason,
        data={"requested_by": row.requested_by, "event_id": advanced.event_id},
    )
    uow.commit()
    return ApprovalDecided(row.id, row.case_id, "approved", advanced=advanced)


def _lapse(rt: Runtime, uow: UnitOfWork, row: ApprovalRow, *, actor: str, why: str) -> NoReturn:
    # The decision recorded so far is kept with the lapse, so the timeline says who
    # approved and why it could not happen; committed before the approver is told.
    _close(rt, uow, row, status="lapsed", actor=actor, reason=why)
    uow.commit()
    raise ApprovalLapsed(row.id, why)


def lapse_overtaken(rt: Runtime, uow: UnitOfWork, case: CaseRow, *, actor: str) -> list[int]:
    """Close as lapsed the case's pending requests whose step the case's state no longer
    allows (a case closed by the programme's own rule while its closure waited), so they
    leave the approvers' work and reminders. Features call it from a transition listener."""
    rows = uow.session.scalars(
        select(ApprovalRow)
        .where(ApprovalRow.case_id == case.id, ApprovalRow.status == PENDING)
        .with_for_update()
    ).all()
    definition = rt.machine_of(case).definition
    lapsed = []
    for row in rows:
        if definition.transition(row.trigger, case.state) is None:
            why = f"case {case.id} is {case.state} now: '{row.trigger}' is no longer allowed"
            _close(rt, uow, row, status="lapsed", actor=actor, reason=why)
            lapsed.append(row.id)
    return lapsed


def cancel_approval(rt: Runtime, uow: UnitOfWork, command: CancelApproval) -> ApprovalDecided:
    """The requester withdraws their pending request."""
    actor = require_actor(command.actor)
    row = locked_approval(uow.session, command.approval_id)
    if row.status != PENDING:
        raise ApprovalRefused(row.id, f"it is {row.status}, not pending: nothing to cancel")
    if not same_person(actor, row.requested_by):
        raise ApprovalRefused(
            row.id, f"only {row.requested_by}, who requested it, can cancel it ({actor} cannot)"
        )
    _close(rt, uow, row, status="cancelled", actor=actor, reason=clean(command.reason))
    uow.commit()
    return ApprovalDecided(row.id, row.case_id, "cancelled")


#: Registered by the composition root (bootstrap): this module imports the service
#: layer, so the service layer cannot list them itself.
APPROVAL_HANDLERS: dict[type[Any], Callable[..., Any]] = {
    DecideApproval: decide_approval,
    CancelApproval: cancel_approval,
}
