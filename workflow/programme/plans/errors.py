"""Refusals about planned services."""

from __future__ import annotations

from workflow.errors import InvalidInput, NotFound


class PlannedServiceNotFound(NotFound):
    def __init__(self, planned_service_id: int) -> None:
        super().__init__(f"planned service {planned_service_id} does not exist")


class ServiceStatusRefused(InvalidInput):
    def __init__(self, planned_service_id: int, status: str, action: str) -> None:
        super().__init__(
            f"planned service {planned_service_id} is {status.replace('_', ' ')}: "
            f"it cannot be {action}"
        )
