"""Commands and results of the background work: referrals, reminders, procurement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AddPartner:
    code: str
    type: str
    name_hy: str
    name_en: str
    email: str
    actor: str
    language: str = "hy"


@dataclass(frozen=True)
class CreateReferral:
    case_id: int
    partner: str
    purpose: str
    actor: str


@dataclass(frozen=True)
class RespondToReferral:
    """The partner's answer, recorded by staff: acknowledged, accepted, declined, completed."""

    referral_id: int
    response: str
    actor: str
    reason: str | None = None
    feedback: str | None = None


@dataclass(frozen=True)
class AcknowledgeReminder:
    reminder_id: int
    actor: str


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
class PartnerAdded:
    partner_id: int


@dataclass(frozen=True)
class ReferralCreated:
    referral_id: int
    case_id: int


@dataclass(frozen=True)
class ReferralChanged:
    referral_id: int
    status: str


@dataclass(frozen=True)
class ReminderAcknowledged:
    reminder_id: int


@dataclass(frozen=True)
class ProcurementChanged:
    request_id: int
    status: str
    purchase_order_id: int | None = None


@dataclass(frozen=True)
class SweepReminders:
    """Beat, every minute: send due reminders, escalate unacknowledged ones."""


@dataclass(frozen=True)
class SweepReferralDeadlines:
    """Beat, hourly: remind silent partners, then tell the managers."""


@dataclass(frozen=True)
class ConsolidatePurchaseOrders:
    """Beat, weekly: one purchase order per supplier for everything approved."""
