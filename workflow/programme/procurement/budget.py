"""The budget: what is committed and spent per budget line and per family."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select

from workflow.programme.procurement.errors import OverBudget, OverFamilyCeiling
from workflow.programme.procurement.models import ProcurementRequestRow
from workflow.programme.shared.policies import Policies, policies
from workflow.unit_of_work import UnitOfWork

#: Requests in these statuses count against the budget.
COMMITTED = ("approved", "ordered", "delivered")


def committed_amd(uow: UnitOfWork, *conditions: ColumnElement[bool]) -> int:
    """Dram approved, ordered or delivered among the requests matching CONDITIONS."""
    total = uow.session.scalar(
        select(func.coalesce(func.sum(ProcurementRequestRow.amount_amd), 0)).where(
            ProcurementRequestRow.status.in_(COMMITTED), *conditions
        )
    )
    return int(total or 0)


def spent_on_line(uow: UnitOfWork, line: str) -> int:
    return committed_amd(uow, ProcurementRequestRow.budget_line == line)


def spent_on_case(uow: UnitOfWork, case_id: int) -> int:
    return committed_amd(uow, ProcurementRequestRow.case_id == case_id)


def check_budget(uow: UnitOfWork, *, rules: Policies, line: str, case_id: int, amount: int) -> None:
    """Refuse an amount the budget line or the family's ceiling cannot take, saying by how much."""
    remaining = rules.budget_lines[line].amount_amd - spent_on_line(uow, line)
    if amount > remaining:
        raise OverBudget(line, amount, remaining)
    ceiling = rules.per_family_ceiling_amd
    family_remaining = ceiling - spent_on_case(uow, case_id)
    if amount > family_remaining:
        raise OverFamilyCeiling(case_id, amount, family_remaining, ceiling)


def budget_status(uow: UnitOfWork) -> list[dict[str, Any]]:
    rules = policies()
    return [
        {
            "budget_line": line.code,
            "label": dict(line.labels),
            "budget_amd": line.amount_amd,
            "committed_amd": spent_on_line(uow, line.code),
            "remaining_amd": line.amount_amd - spent_on_line(uow, line.code),
        }
        for line in rules.budget_lines.values()
    ]
