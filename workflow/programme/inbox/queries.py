"""A staff member's inbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workflow.programme.inbox.models import InboxItemRow
from workflow.programme.shared.values import iso_at
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime


def inbox(rt: Runtime, *, username: str, unread_only: bool = True) -> list[dict[str, Any]]:
    query = (
        select(InboxItemRow)
        .join(StaffRow, StaffRow.id == InboxItemRow.staff_id)
        .where(StaffRow.username == username.casefold())
        .order_by(InboxItemRow.id.desc())
    )
    if unread_only:
        query = query.where(InboxItemRow.read_at.is_(None))
    with rt.session_factory() as session:
        return [
            {
                "id": item.id,
                "kind": item.kind,
                "case_id": item.case_id,
                "reminder_id": item.reminder_id,
                "referral_id": item.referral_id,
                "created_at": iso_at(item.created_at),
                "read_at": iso_at(item.read_at),
            }
            for item in session.scalars(query)
        ]
