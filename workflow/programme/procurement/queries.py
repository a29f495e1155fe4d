"""Read side of procurement (requests, purchase orders, the budget): plain dictionaries for
the CLI (--json), the web app and tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workflow.programme.procurement.budget import budget_status
from workflow.programme.procurement.models import ProcurementRequestRow, PurchaseOrderRow
from workflow.programme.shared.values import iso_at
from workflow.runtime import Runtime


def list_procurement(
    rt: Runtime, *, status: str | None = None, case_id: int | None = None
) -> list[dict[str, Any]]:
    query = select(ProcurementRequestRow).order_by(ProcurementRequestRow.id)
    if status is not None:
        query = query.where(ProcurementRequestRow.status == status)
    if case_id is not None:
        query = query.where(ProcurementRequestRow.case_id == case_id)
    with rt.session_factory() as session:
        return [
            {
                "id": r.id,
                "case_id": r.case_id,
                "planned_service_id": r.planned_service_id,
                "service": r.service,
                "budget_line": r.budget_line,
                "supplier": r.supplier,
                "quantity": r.quantity,
                "amount_amd": r.amount_amd,
                "status": r.status,
                "requested_by": r.requested_by,
                "requested_at": iso_at(r.requested_at),
                "approved_by": r.approved_by,
                "approved_at": iso_at(r.approved_at),
                "first_approved_by": r.first_approved_by,
                "first_approved_at": iso_at(r.first_approved_at),
                "purchase_order_id": r.purchase_order_id,
                "ordered_at": iso_at(r.ordered_at),
                "delivered_at": iso_at(r.delivered_at),
                "cancel_reason": r.cancel_reason,
            }
            for r in session.scalars(query)
        ]


def list_purchase_orders(rt: Runtime) -> list[dict[str, Any]]:
    with rt.session_factory() as session:
        orders = session.scalars(select(PurchaseOrderRow).order_by(PurchaseOrderRow.id)).all()
        lines = session.scalars(
            select(ProcurementRequestRow).where(
                ProcurementRequestRow.purchase_order_id.is_not(None)
            )
        ).all()
        by_order: dict[int, list[int]] = {}
        for line in lines:
            assert line.purchase_order_id is not None
            by_order.setdefault(line.purchase_order_id, []).append(line.id)
        return [
            {
                "id": o.id,
                "supplier": o.supplier,
                "total_amd": o.total_amd,
                "created_at": iso_at(o.created_at),
                "created_by": o.created_by,
                "sent_at": iso_at(o.sent_at),
                "request_ids": sorted(by_order.get(o.id, [])),
            }
            for o in orders
        ]


def budget(rt: Runtime) -> list[dict[str, Any]]:
    with rt.unit_of_work() as uow:
        return budget_status(uow)
