"""Commands about procurement requests and purchase orders, and what they return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RequestGoods:
    planned_service_id: int
    actor: str
    amount_amd: int | None = None
    quantity: int = 1
    supplier: str | None = None


@dataclass(frozen=True)
class ApproveProcurement:
    request_id: int
    actor: str
    amount_amd: int | None = None


@dataclass(frozen=True)
class OrderProcurement:
    request_id: int
    actor: str


@dataclass(frozen=True)
class DeliverProcurement:
    request_id: int
    actor: str
    delivered_on: date


@dataclass(frozen=True)
class CancelProcurement:
    request_id: int
    actor: str
    reason: str


@dataclass(frozen=True)
class ProcurementChanged:
    request_id: int
    status: str
    purchase_order_id: int | None = None
    #: Approved once, above the second-approval amount: a second approver is needed.
    awaiting_second_approval: bool = False


@dataclass(frozen=True)
class ConsolidatePurchaseOrders:
    """Beat, weekly: one purchase order per supplier for everything approved."""
