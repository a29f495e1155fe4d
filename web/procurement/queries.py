"""Procurement requests a page looks up: one by id, those awaiting approval."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from web.shared.lookups import case_of_row
from workflow.programme import procurement as programme_procurement
from workflow.programme.procurement import ProcurementRequestNotFound, ProcurementRequestRow
from workflow.runtime import Runtime


def procurement_awaiting_approval(rt: Runtime) -> int:
    with rt.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(ProcurementRequestRow)
                .where(ProcurementRequestRow.status == "requested")
            )
            or 0
        )


def procurement_request(rt: Runtime, request_id: int) -> dict[str, Any]:
    case_id = case_of_row(
        rt,
        ProcurementRequestRow.case_id,
        ProcurementRequestRow.id,
        request_id,
        ProcurementRequestNotFound(request_id),
    )
    rows = programme_procurement.list_procurement(rt, case_id=case_id)
    return next(row for row in rows if row["id"] == request_id)
