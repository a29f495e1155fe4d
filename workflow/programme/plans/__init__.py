"""The face of plans/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.plans.commands import (
    CancelService,
    DeliverService,
    PlanService,
    RecordIncome,
    ServicePlanned,
    StartService,
)
from workflow.programme.plans.errors import PlannedServiceNotFound, ServiceStatusRefused
from workflow.programme.plans.models import DeliveryRow, IncomeSourceRow, PlannedServiceRow
from workflow.programme.plans.services import STEPS, deliver_service_in

__all__ = [
    "CancelService",
    "DeliverService",
    "DeliveryRow",
    "IncomeSourceRow",
    "PlanService",
    "PlannedServiceNotFound",
    "PlannedServiceRow",
    "RecordIncome",
    "STEPS",
    "ServicePlanned",
    "ServiceStatusRefused",
    "StartService",
    "deliver_service_in",
]
