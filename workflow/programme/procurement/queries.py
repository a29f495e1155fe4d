"""Read side of procurement (requests, purchase orders, the budget): plain dictionaries for
the CLI (--json), the web app and tests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from workflow.programme.families import of_families
from workflow.programme.procurement.budget import budget_status
from workflow.programme.procurement.models import ProcurementRequestRow, PurchaseOrderRow
from workflow.programme.shared.values import iso_at
from workflow.runtime import Runtime


@dataclass(frozen=True)
class ProcurementFilter:
    """What the procurement queue and the API filter by; None: any."""

    case_id: int | None = None
    status: str | None = None
    supplier: str | None = None
    budget_line: str | None = None
    community_id: int | None = None
    #: The family's social worker or psychologist.
    worker_id: int | None = None
    requested_from: datetime | None = None
    #: Requested before this moment (the start of the day after the period).
    requested_until: datetime | None = None


def list_procurement(
    rt: Runtime, *, status: str | None = None, case_id: int | None = None
) -> list[dict[str, Any]]:
    query = select(ProcurementRequestRow).order_by(ProcurementRequestRow.id)
    if status is not None:
        query = query.where(ProcurementRequestRow.status == status)
    if case_id is not None:
        query = query.where(ProcurementRequestRow.case_id == case_id)
    with rt.session_factory() as session:
        return [_as_dict(r) for r in session.scalars(query)]


def procurement_page(
    rt: Runtime, wanted: ProcurementFilter, *, limit: int, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """One page of the requests ``wanted``, newest first, and how many there are."""
    query = _filtered(select(ProcurementRequestRow), wanted)
    counted = _filtered(select(func.count()).select_from(ProcurementRequestRow), wanted)
    page = query.order_by(ProcurementRequestRow.id.desc()).limit(limit).offset(offset)
    with rt.session_factory() as session:
        total = int(session.scalar(counted) or 0)
        return [_as_dict(r) for r in session.scalars(page)], total


def procurement_counts(rt: Runtime, wanted: ProcurementFilter) -> dict[str, int]:
    """Status -> how many requests ``wanted`` has in it, whatever its own status filter."""
    query = _filtered(
        select(ProcurementRequestRow.status, func.count()).select_from(ProcurementRequestRow),
        replace(wanted, status=None),
    ).group_by(ProcurementRequestRow.status)
    with rt.session_factory() as session:
        return {status: int(n) for status, n in session.execute(query)}


def procurement_choices(rt: Runtime) -> dict[str, list[str]]:
    """The suppliers and budget lines requests have (what the queue's filters offer)."""
    with rt.session_factory() as session:
        return {
            name: sorted(session.scalars(select(column).distinct()))
            for name, column in (
                ("supplier", ProcurementRequestRow.supplier),
                ("budget_line", ProcurementRequestRow.budget_line),
            )
        }


def _filtered(query: Any, wanted: ProcurementFilter) -> Any:
    row = ProcurementRequestRow
    for column, value in (
        (row.case_id, wanted.case_id),
        (row.status, wanted.status),
        (row.supplier, wanted.supplier),
        (row.budget_line, wanted.budget_line),
    ):
        if value is not None:
            query = query.where(column == value)
    if wanted.requested_from is not None:
        query = query.where(row.requested_at >= wanted.requested_from)
    if wanted.requested_until is not None:
        query = query.where(row.requested_at < wanted.requested_until)
    return of_families(
        query, row.case_id, community_id=wanted.community_id, worker_id=wanted.worker_id
    )


def _as_dict(r: ProcurementRequestRow) -> dict[str, Any]:
    return {
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
