"""The face of procurement/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.procurement.commands import (
    ApproveProcurement,
    CancelProcurement,
    ConsolidatePurchaseOrders,
    DeliverProcurement,
    OrderProcurement,
)
from workflow.programme.procurement.errors import (
    NotAllowedToApprove,
    OverBudget,
    OverFamilyCeiling,
    ProcurementRequestNotFound,
    ProcurementStatusRefused,
)
from workflow.programme.procurement.models import ProcurementRequestRow
from workflow.programme.procurement.queries import (
    ProcurementFilter,
    budget,
    list_procurement,
    list_purchase_orders,
    procurement_choices,
    procurement_counts,
    procurement_page,
)
from workflow.programme.procurement.requests import new_request

__all__ = [
    "ApproveProcurement",
    "CancelProcurement",
    "ConsolidatePurchaseOrders",
    "DeliverProcurement",
    "NotAllowedToApprove",
    "OrderProcurement",
    "OverBudget",
    "OverFamilyCeiling",
    "ProcurementFilter",
    "ProcurementRequestNotFound",
    "ProcurementRequestRow",
    "ProcurementStatusRefused",
    "budget",
    "list_procurement",
    "list_purchase_orders",
    "new_request",
    "procurement_choices",
    "procurement_counts",
    "procurement_page",
]
