"""What every change to a case file needs: the case (checked), its family, staff and
communities looked up by what people type, and the timeline entry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.programme.errors import (
    FamilyNotRegistered,
    StaffInactive,
    StaffNotFound,
    UnknownCommunity,
    WrongStaffRole,
)
from workflow.programme.models import CommunityRow, FamilyRow, StaffRow
from workflow.text import clean, search_key


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
