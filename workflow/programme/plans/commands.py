"""Commands of the service plan and what they announce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RecordIncome:
    case_id: int
    actor: str
    kind: str
    started_on: date
    description: str | None = None
    monthly_amount_amd: int | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class PlanService:
    case_id: int
    actor: str
    service: str
    target_date: date
    provider_staff: str | None = None
    provider_partner: str | None = None
    funder: str | None = None
    funded_amount_amd: int | None = None
    notes: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class StartService:
    planned_service_id: int
    actor: str
    expected_version: int | None = None


@dataclass(frozen=True)
class DeliverService:
    planned_service_id: int
    actor: str
    delivered_on: date
    quantity: int = 1
    cost_amd: int = 0
    notes: str | None = None
    #: False records a part (one month of clubs) and keeps the service in progress.
    final: bool = True
    expected_version: int | None = None


@dataclass(frozen=True)
class CancelService:
    planned_service_id: int
    actor: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ServicePlanned:
    """Announced inside the planning transaction; carries rows, so it is never queued."""

    case: Any  # CaseRow
    planned: Any  # PlannedServiceRow
    actor: str
