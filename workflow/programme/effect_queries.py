"""Read side of referrals, reminders, the inbox and procurement: plain dictionaries for
the CLI (--json), the web app and tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from workflow.clock import as_utc
from workflow.programme.effect_models import ProcurementRequestRow, PurchaseOrderRow, ReminderRow
from workflow.programme.services.procurement import budget_status
from workflow.programme.shared.values import _at
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime

#: Reminders that reached their recipient and wait for an acknowledgement.
OPEN_REMINDERS = ("sent", "escalated")


def _is_overdue(row: ReminderRow, now: datetime) -> bool:
    return row.status in OPEN_REMINDERS and as_utc(row.due_at) <= as_utc(now)


def overdue_reminders(rt: Runtime, *, recipient: str | None = None) -> list[dict[str, Any]]:
    """The one definition of an overdue reminder: sent or escalated, due, not acknowledged;
    everyone's, or one staff member's. The dashboard counts this list and the reminders
    page shows it, so the figure and the rows behind its link cannot disagree."""
    return list_reminders(rt, recipient=recipient, overdue_only=True)


def list_reminders(
    rt: Runtime,
    *,
    case_id: int | None = None,
    recipient: str | None = None,
    status: str | None = None,
    overdue_only: bool = False,
) -> list[dict[str, Any]]:
    now = rt.clock.now()
    query = select(ReminderRow, StaffRow).join(StaffRow, StaffRow.id == ReminderRow.recipient_id)
    if case_id is not None:
        query = query.where(ReminderRow.case_id == case_id)
    if recipient is not None:
        query = query.where(StaffRow.username == recipient.casefold())
    if status is not None:
        query = query.where(ReminderRow.status == status)
    if overdue_only:
        query = query.where(ReminderRow.status.in_(OPEN_REMINDERS), ReminderRow.due_at <= now)
    with rt.session_factory() as session:
        return [
            {
                "id": r.id,
                "case_id": r.case_id,
                "kind": r.kind,
                "status": r.status,
                "recipient": s.username,
                "due_at": _at(r.due_at),
                "sent_at": _at(r.sent_at),
                "escalated_at": _at(r.escalated_at),
                "acknowledged_at": _at(r.acknowledged_at),
                "acknowledged_by": r.acknowledged_by,
                "cancelled_at": _at(r.cancelled_at),
                "cancel_reason": r.cancel_reason,
                "overdue": _is_overdue(r, now),
            }
            for r, s in session.execute(query.order_by(ReminderRow.due_at, ReminderRow.id))
        ]


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
                "requested_at": _at(r.requested_at),
                "approved_by": r.approved_by,
                "approved_at": _at(r.approved_at),
                "purchase_order_id": r.purchase_order_id,
                "ordered_at": _at(r.ordered_at),
                "delivered_at": _at(r.delivered_at),
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
                "created_at": _at(o.created_at),
                "created_by": o.created_by,
                "sent_at": _at(o.sent_at),
                "request_ids": sorted(by_order.get(o.id, [])),
            }
            for o in orders
        ]


def budget(rt: Runtime) -> list[dict[str, Any]]:
    with rt.unit_of_work() as uow:
        return budget_status(uow)
