"""Who works on which case: assignment, and moving every open case of a worker at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, or_, select

from workflow.activity import require_actor
from workflow.persistence.models import CaseRow
from workflow.programme.families.commands import AssignCase, CasesReassigned, ReassignCases
from workflow.programme.families.models import FamilyRow
from workflow.programme.families.registration import family_of
from workflow.programme.shared.cases import (
    CaseFileChanged,
    case_for_change,
    open_states,
    record_change,
)
from workflow.programme.shared.errors import AlreadyExists
from workflow.programme.shared.values import Collector
from workflow.programme.staff import CaseAssignments, StaffRow, WrongStaffRole, staff_member
from workflow.runtime import Runtime
from workflow.services import confirm_current
from workflow.unit_of_work import UnitOfWork

#: The case roles a staff member can hold, and the family column that records each.
CASE_ROLES = {"social_worker": "social_worker_id", "psychologist": "psychologist_id"}


def assign_case(rt: Runtime, uow: UnitOfWork, command: AssignCase) -> CaseFileChanged:
    actor = require_actor(command.actor)
    wanted = {"social_worker": command.social_worker, "psychologist": command.psychologist}
    if not any(wanted.values()):
        problems = Collector()
        problems.add("assign", "name a social worker, a psychologist, or both")
        problems.check()
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    family = family_of(uow.session, case.id)
    changes: dict[str, Any] = {}
    for role, username in wanted.items():
        if not username:
            continue
        staff = staff_member(uow.session, username, role=role)
        column = CASE_ROLES[role]
        previous = getattr(family, column)
        if previous != staff.id:
            setattr(family, column, staff.id)
            changes[role] = {"from": _username(uow, previous), "to": staff.username}
    if not changes:
        confirm_current(uow, case, command.expected_version)
        return CaseFileChanged(case.id, "assign", case.version)
    family.updated_at = rt.clock.now()
    version = record_change(rt, uow, case=case, trigger="assign", actor=actor, data=changes)
    uow.commit()
    return CaseFileChanged(case.id, "assign", version)


def _username(uow: UnitOfWork, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    staff = uow.session.get(StaffRow, staff_id)
    return staff.username if staff else None


def reassign_cases(rt: Runtime, uow: UnitOfWork, command: ReassignCases) -> CasesReassigned:
    """Move every open case of a worker to another of the same role, in one transaction;
    each case's timeline records the move."""
    actor = require_actor(command.actor)
    # The leaving worker may already be deactivated; their cases still have to move.
    leaving = staff_member(uow.session, command.from_staff, require_active=False)
    if leaving.role not in CASE_ROLES:
        raise WrongStaffRole(leaving.username, leaving.role, "social worker or psychologist")
    taking = staff_member(uow.session, command.to_staff, role=leaving.role)
    if taking.id == leaving.id:
        raise AlreadyExists(f"{taking.username} already holds these cases")
    column = getattr(FamilyRow, CASE_ROLES[leaving.role])
    families = uow.session.execute(
        select(FamilyRow, CaseRow)
        .join(CaseRow, FamilyRow.case_id == CaseRow.id)
        .where(column == leaving.id, CaseRow.state.in_(open_states(rt)))
        .order_by(CaseRow.id)
        .with_for_update(of=CaseRow)
    ).all()
    now = rt.clock.now()
    for family, case in families:
        setattr(family, CASE_ROLES[leaving.role], taking.id)
        family.updated_at = now
        record_change(
            rt,
            uow,
            case=case,
            trigger="reassign",
            actor=actor,
            data={"role": leaving.role, "from": leaving.username, "to": taking.username},
        )
    uow.commit()
    return CasesReassigned(
        role=leaving.role,
        from_staff=leaving.username,
        to_staff=taking.username,
        case_ids=tuple(case.id for _, case in families),
    )


def _assigned_families(staff_id: int, role: str) -> Select[Any] | None:
    if role not in CASE_ROLES:
        return None
    families = FamilyRow.__table__
    return select(families.c.case_id).where(families.c[CASE_ROLES[role]] == staff_id)


def _families_in(communities: Sequence[int]) -> Select[Any]:
    families = FamilyRow.__table__
    return select(families.c.case_id).where(families.c.community_id.in_(communities))


#: Scoped access: a family case is its social worker's and psychologist's, in the
#: community of its family file.
FAMILY_ASSIGNMENTS = CaseAssignments(assigned=_assigned_families, in_communities=_families_in)


def of_families(
    query: Any, case_id: Any, *, community_id: int | None, worker_id: int | None
) -> Any:
    """``query`` narrowed to rows (whose case is ``case_id``) of families in a community
    or worked on by a staff member, as social worker or psychologist: the filters the
    referrals board and the procurement queue share."""
    if community_id is None and worker_id is None:
        return query
    query = query.join(FamilyRow, FamilyRow.case_id == case_id)
    if community_id is not None:
        query = query.where(FamilyRow.community_id == community_id)
    if worker_id is not None:
        query = query.where(
            or_(FamilyRow.social_worker_id == worker_id, FamilyRow.psychologist_id == worker_id)
        )
    return query
