"""What changed on a case while someone had its form open: the timeline since the
version the form was rendered from, shown beside what they typed after a stale-version
refusal (409), so they can check it and save again in one click."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workflow.persistence.models import CaseEventRow
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime

#: A form open for hours may have missed many changes; the newest are the ones to see.
SHOWN = 20


def events_since(rt: Runtime, case_id: int, version: int) -> list[dict[str, Any]]:
    """The case's timeline events after ``version``, oldest first, with who made them."""
    with rt.session_factory() as session:
        rows = session.execute(
            select(CaseEventRow, StaffRow.full_name)
            .outerjoin(StaffRow, StaffRow.username == CaseEventRow.actor)
            .where(CaseEventRow.case_id == case_id, CaseEventRow.version > version)
            .order_by(CaseEventRow.version.desc())
            .limit(SHOWN)
        ).all()
    return [
        {
            "version": event.version,
            "trigger": event.trigger,
            "actor": full_name or event.actor,
            "at": event.at,
            "reason": event.reason,
            "from_state": event.from_state,
            "to_state": event.to_state,
        }
        for event, full_name in reversed(rows)
    ]
