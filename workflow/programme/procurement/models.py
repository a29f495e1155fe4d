"""Procurement requests of goods for a case, and the purchase orders they are grouped into.

Waiting is data: every deadline is a ``*_at`` column swept by beat, never a sleeping task.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class PurchaseOrderRow(Base):
    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    supplier: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))
    total_amd: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime | None]


#: Every status a procurement request can have (the CLI's --status refuses others).
PROCUREMENT_STATUSES = ("requested", "approved", "ordered", "delivered", "cancelled")


class ProcurementRequestRow(CaseBound, Base):
    """requested -> approved -> ordered -> delivered; or cancelled."""

    __tablename__ = "procurement_requests"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    planned_service_id: Mapped[int] = mapped_column(ForeignKey("planned_services.id"), index=True)
    service: Mapped[str] = mapped_column(String(64))
    budget_line: Mapped[str] = mapped_column(String(64), index=True)
    supplier: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    amount_amd: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime]
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[datetime | None]
    #: Above HOGATAR_PROCUREMENT_SECOND_APPROVAL_AMD: who approved first; ``approved_by``
    #: is then the second approver, a different person.
    first_approved_by: Mapped[str | None] = mapped_column(String(120))
    first_approved_at: Mapped[datetime | None]
    purchase_order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))
    ordered_at: Mapped[datetime | None]
    delivered_by: Mapped[str | None] = mapped_column(String(120))
    delivered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
