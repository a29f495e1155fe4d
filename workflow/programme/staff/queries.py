"""Lists of staff and communities for the CLI and the web."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workflow.clock import as_utc
from workflow.programme.staff.models import CommunityRow, StaffCommunityRow, StaffRow
from workflow.programme.staff.services import staff_member
from workflow.runtime import Runtime


def list_staff(rt: Runtime, *, include_inactive: bool = False) -> list[dict[str, Any]]:
    query = select(StaffRow).order_by(StaffRow.role, StaffRow.username)
    if not include_inactive:
        query = query.where(StaffRow.active.is_(True))
    with rt.session_factory() as session:
        communities: dict[int, list[str]] = {}
        for staff_id, code in session.execute(
            select(StaffCommunityRow.staff_id, CommunityRow.code)
            .join(CommunityRow, CommunityRow.id == StaffCommunityRow.community_id)
            .order_by(CommunityRow.id)
        ):
            communities.setdefault(staff_id, []).append(code)
        return [
            {
                "id": row.id,
                "username": row.username,
                "full_name": row.full_name,
                "role": row.role,
                "language": row.language,
                "email": row.email,
                "phone": row.phone,
                "active": row.active,
                "communities": communities.get(row.id, []),
                "created_at": as_utc(row.created_at).isoformat(),
            }
            for row in session.scalars(query)
        ]


def existing_staff(rt: Runtime, username: str) -> str:
    """The username of a staff member, active or not; a name nobody has is bad input (a
    typo listed as "nothing found" looks like an empty inbox)."""
    with rt.session_factory() as session:
        return staff_member(session, username, require_active=False).username


def list_communities(rt: Runtime) -> list[dict[str, Any]]:
    with rt.session_factory() as session:
        return [
            {"id": row.id, "code": row.code, "hy": row.name_hy, "en": row.name_en}
            for row in session.scalars(
                select(CommunityRow).where(CommunityRow.active.is_(True)).order_by(CommunityRow.id)
            )
        ]


def all_communities(rt: Runtime) -> list[dict[str, Any]]:
    """Every community, deactivated ones too, for the administration's list."""
    with rt.session_factory() as session:
        return [
            {
                "id": row.id,
                "code": row.code,
                "hy": row.name_hy,
                "en": row.name_en,
                "active": row.active,
            }
            for row in session.scalars(select(CommunityRow).order_by(CommunityRow.id))
        ]
