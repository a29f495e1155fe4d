"""The procurement room's part of "My work": goods requests awaiting approval, for the
staff who approve them (procurement officers and managers), each due the day it was
requested: the family waits from then."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from workflow.clock import local_day
from workflow.programme.procurement.models import ProcurementRequestRow
from workflow.programme.procurement.requests import APPROVER_ROLES
from workflow.programme.shared.work import Worker, WorkItem
from workflow.runtime import Runtime


def awaiting_approval(
    rt: Runtime, worker: Worker | None, today: date, until: date
) -> list[WorkItem]:
    # An approval is the role's, not one person's: the team's view leaves it out.
    if worker is None or worker.role not in APPROVER_ROLES:
        return []
    query = (
        select(ProcurementRequestRow)
        .where(ProcurementRequestRow.status == "requested")
        .order_by(ProcurementRequestRow.requested_at, ProcurementRequestRow.id)
    )
    with rt.session_factory() as session:
        return [
            WorkItem(
                kind="goods_approval",
                due_on=local_day(row.requested_at),
                link=f"/procurement/{row.id}",
                owner_id=worker.id,
                case_id=row.case_id,
                detail={"request_id": row.id, "service": row.service},
            )
            for row in session.scalars(query)
        ]
