"""Refusals of procurement, in words staff understand."""

from __future__ import annotations

from workflow.errors import InvalidInput, NotFound


def _amd(amount: int) -> str:
    return f"{amount:,} AMD".replace(",", " ")


amd = _amd


class ProcurementRequestNotFound(NotFound):
    def __init__(self, request_id: int) -> None:
        super().__init__(f"procurement request {request_id} does not exist")


class ProcurementStatusRefused(InvalidInput):
    def __init__(self, request_id: int, status: str, action: str) -> None:
        super().__init__(f"procurement request {request_id} is {status}: it cannot be {action}")


class OverBudget(InvalidInput):
    def __init__(self, line: str, amount: int, remaining: int) -> None:
        super().__init__(
            f"over budget: the budget line {line!r} has {_amd(remaining)} left, "
            f"the request is {_amd(amount)}: over by {_amd(amount - remaining)}"
        )
        self.line = line
        self.amount = amount
        self.remaining = remaining
        self.over_by = amount - remaining


class OverFamilyCeiling(InvalidInput):
    def __init__(self, case_id: int, amount: int, remaining: int, ceiling: int) -> None:
        super().__init__(
            f"over the per-family ceiling of {_amd(ceiling)}: case {case_id} has "
            f"{_amd(remaining)} left, the request is {_amd(amount)}: "
            f"over by {_amd(amount - remaining)}"
        )
        self.amount = amount
        self.remaining = remaining
        self.ceiling = ceiling
        self.over_by = amount - remaining


class NotAllowedToApprove(InvalidInput):
    def __init__(self, username: str, role: str) -> None:
        super().__init__(
            f"{username} is a {role.replace('_', ' ')}: only a procurement officer or a "
            "manager can approve procurement"
        )


class NothingToBuy(InvalidInput):
    def __init__(self, service: str) -> None:
        super().__init__(f"the service {service!r} needs no goods: there is nothing to request")


class SecondApprovalRefused(InvalidInput):
    """Who may not approve: the requester, or the first approver a second time."""

    def __init__(self, request_id: int, why: str) -> None:
        super().__init__(f"procurement request {request_id} cannot be approved by them: {why}")
