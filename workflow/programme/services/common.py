"""What every change to a case file needs: the case (checked), its family, staff and
communities looked up by what people type, and the timeline entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.persistence.models import CaseRow
from workflow.programme.errors import (
    CaseIsClosed,
    FamilyNotRegistered,
    NotAFamilyCase,
    StaffInactive,
    StaffNotFound,
    UnknownCommunity,
    WrongStaffRole,
)
from workflow.programme.models import CommunityRow, FamilyRow, StaffRow
from workflow.runtime import Runtime
from workflow.services import append_event, load_case
from workflow.text import clean, search_key
from workflow.unit_of_work import UnitOfWork

FAMILY_WORKFLOW = "family_case"


def final_states(rt: Runtime) -> set[str]:
    definition = rt.machine(FAMILY_WORKFLOW).definition
    return {state.name for state in definition.states if state.final}


def open_states(rt: Runtime) -> list[str]:
    definition = rt.machine(FAMILY_WORKFLOW).definition
    return [state.name for state in definition.states if not state.final]


def case_for_change(
    rt: Runtime, uow: UnitOfWork, case_id: int, expected_version: int | None
) -> CaseRow:
    """A family case that may be changed: it exists, the version is current, it is open."""
    case = load_case(uow, case_id, expected_version)
    if case.workflow != FAMILY_WORKFLOW:
        raise NotAFamilyCase(case.id, case.workflow)
    if case.state in final_states(rt):
        raise CaseIsClosed(case.id)
    return case


def record_change(
    rt: Runtime,
    uow: UnitOfWork,
    *,
    case: CaseRow,
    trigger: str,
    actor: str,
    data: dict[str, Any],
    reason: str | None = None,
) -> int:
    """Put a change on the case's timeline and bump its version; the state stays.
    Returns the case's new version."""
    append_event(
        uow,
        case=case,
        trigger=trigger,
        to_state=case.state,
        actor=actor,
        now=rt.clock.now(),
        reason=reason,
        data=data,
    )
    return case.version


def family_of(session: Session, case_id: int) -> FamilyRow:
    family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
    if family is None:
        raise FamilyNotRegistered(case_id)
    return family


def staff_member(
    session: Session, username: str, *, role: str | None = None, require_active: bool = True
) -> StaffRow:
    """Active staff member by username, checked to have ``role`` when one is needed."""
    name = (clean(username) or "").casefold()
    staff = session.scalar(select(StaffRow).where(StaffRow.username == name))
    if staff is None:
        raise StaffNotFound(name)
    if role is not None and staff.role != role:
        raise WrongStaffRole(staff.username, staff.role, role)
    if require_active and not staff.active:
        raise StaffInactive(staff.username)
    return staff


def community_lookup(session: Session) -> dict[str, CommunityRow]:
    """Active communities by code and by folded Armenian and English name.

    Few rows, folded in Python: "ՀՐԱԶԴԱՆ", "hrazdan" and "Հրազդան" find the same
    community on every database (SQLite's LOWER() knows ASCII only).
    """
    lookup: dict[str, CommunityRow] = {}
    for row in session.scalars(select(CommunityRow).where(CommunityRow.active.is_(True))):
        for key in (row.code, search_key(row.name_hy), search_key(row.name_en)):
            lookup.setdefault(key, row)
    return lookup


def find_community(lookup: dict[str, CommunityRow], given: str) -> CommunityRow | None:
    key = search_key(given)
    return lookup.get(key) or lookup.get(key.replace(" ", "_").replace("-", "_"))


def community(session: Session, given: str) -> CommunityRow:
    found = find_community(community_lookup(session), given)
    if found is None:
        raise UnknownCommunity(given)
    return found
