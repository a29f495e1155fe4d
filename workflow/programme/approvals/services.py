"""The programme's side of approvals: who may decide a tier, and reminding them.

The engine (``workflow.approval_requests``, ``workflow.approvals``) records requests and
enforces the order of tiers; a tier names a staff role (config/programme/lists.toml).
An active staff member of that role decides it, and so may an admin (admins can do
everything); ``cli:`` and ``system:`` actors never approve. While a tier waits, each of
its possible approvers (not the requester, not an earlier approver) has a reminder due on
the deadline day, sent and escalated like every other reminder; a decision, a
withdrawal or the case closing cancels them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.approval_requests import same_person
from workflow.approvals import lapse_overtaken
from workflow.clock import local_day
from workflow.commands import ApprovalAwaiting, ApprovalClosed
from workflow.persistence.models import CaseRow
from workflow.programme.reminders import (
    APPROVAL_DECIDED,
    APPROVAL_DECISION,
    cancel_waiting,
    schedule_reminder,
)
from workflow.programme.shared.reference import codes, reference
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime
from workflow.unit_of_work import UnitOfWork

#: Who may stand in for any tier.
OVERRIDE_ROLE = "admin"


def approval_roles() -> set[str]:
    """The roles an ``approval`` tier may name: the staff roles of lists.toml."""
    return set(codes(reference().staff_roles))


def _role_words(role: str) -> str:
    return role.replace("_", " ")


def approver_refusal(session: Session, actor: str, role: str) -> str | None:
    """None if ``actor`` may decide a tier of ``role``, else why not (engine's check)."""
    staff = session.scalar(select(StaffRow).where(StaffRow.username == actor.casefold()))
    if staff is None:
        return (
            f"{actor} is not a staff member: a tier of {_role_words(role)} is decided by an "
            f"active {_role_words(role)} (or an admin), named with --actor"
        )
    if not staff.active:
        return f"{staff.username} is no longer active and cannot approve"
    if staff.role not in (role, OVERRIDE_ROLE):
        return (
            f"{staff.username} is a {_role_words(staff.role)}: this tier needs a "
            f"{_role_words(role)} (or an admin)"
        )
    return None


def approvers_of(session: Session, role: str, excluded: tuple[str, ...]) -> list[StaffRow]:
    """Who is reminded of a tier: active staff of its role, else admins; never anyone
    excluded from deciding it."""
    for roles in ((role,), (OVERRIDE_ROLE,)):
        found = [
            staff
            for staff in session.scalars(
                select(StaffRow)
                .where(StaffRow.role.in_(roles), StaffRow.active.is_(True))
                .order_by(StaffRow.id)
            )
            if not any(same_person(staff.username, other) for other in excluded)
        ]
        if found:
            return found
    return []


def after_approval_awaiting(rt: Runtime, uow: UnitOfWork, event: ApprovalAwaiting) -> None:
    """A tier waits: remind each possible approver on its deadline day."""
    case = uow.session.get(CaseRow, event.case_id)
    assert case is not None
    now = rt.clock.now()
    for staff in approvers_of(uow.session, event.role, event.excluded):
        schedule_reminder(
            uow,
            case=case,
            kind=APPROVAL_DECISION,
            recipient_id=staff.id,
            due_day=local_day(event.deadline_at),
            actor=event.actor,
            now=now,
            approval_id=event.approval_id,
        )


def on_transition(
    rt: Runtime, uow: UnitOfWork, case: CaseRow, from_state: str, to_state: str, actor: str
) -> None:
    """Transition listener: a case that reached a final state (closed by withdrawn
    consent, say) lapses the requests it can no longer honour. Other moves cost nothing."""
    if rt.machine_of(case).definition.is_final(to_state):
        lapse_overtaken(rt, uow, case, actor=actor)


def after_approval_closed(rt: Runtime, uow: UnitOfWork, event: ApprovalClosed) -> None:
    """A tier was decided (or the request withdrawn, or lapsed): its reminders stop."""
    case = uow.session.get(CaseRow, event.case_id)
    assert case is not None
    cancel_waiting(
        rt,
        uow,
        case=case,
        reason=APPROVAL_DECIDED,
        actor=event.actor,
        kinds=(APPROVAL_DECISION,),
        approval_id=event.approval_id,
    )
