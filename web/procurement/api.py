"""The JSON API of procurement: requests, approval, orders, receipt, budget."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ApprovalBody(BaseModel):
    amount_amd: int | None = Field(
        default=None, description="The approved amount in dram; the request's own if absent."
    )


class ReceiptBody(BaseModel):
    delivered_on: str = Field(examples=["2026-02-03"])


class ProcurementCancelBody(BaseModel):
    reason: str
