"""The JSON API of procurement: requests, approval, orders, receipt, budget."""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from web.procurement import forms
from web.procurement.queries import procurement_request
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from workflow import services
from workflow.programme import procurement as programme_procurement


class ApprovalBody(BaseModel):
    amount_amd: int | None = Field(
        default=None, description="The approved amount in dram; the request's own if absent."
    )


class ReceiptBody(BaseModel):
    delivered_on: str = Field(examples=["2026-02-03"])


class ProcurementCancelBody(BaseModel):
    reason: str


router = APIRouter()
def _result(event: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(asdict(event), status_code=status)
PROCUREMENT = Depends(require(Permission.VIEW_PROCUREMENT))
MANAGE = Depends(require(Permission.MANAGE_PROCUREMENT))
GOODS: list[str | Enum] = ["procurement"]


def _body(body: BaseModel | None) -> dict[str, Any]:
    return body.model_dump() if body is not None else {}


@router.get("/procurement", tags=GOODS, summary="Procurement requests, by status and case")
def list_procurement(
    request: Request,
    status: str | None = None,
    case_id: int | None = None,
    staff: Staff = PROCUREMENT,
) -> JSONResponse:
    rows = programme_procurement.list_procurement(runtime(request), status=status, case_id=case_id)
    return JSONResponse(rows)


@router.get("/procurement/orders", tags=GOODS, summary="Purchase orders")
def purchase_orders(request: Request, staff: Staff = PROCUREMENT) -> JSONResponse:
    return JSONResponse(programme_procurement.list_purchase_orders(runtime(request)))


@router.get("/procurement/budget", tags=GOODS, summary="Budget lines: budget, committed, remaining")
def budget(request: Request, staff: Staff = PROCUREMENT) -> JSONResponse:
    return JSONResponse(programme_procurement.budget(runtime(request)))


@router.get("/procurement/{request_id}", tags=GOODS, summary="One procurement request")
def get_request(request: Request, request_id: int, staff: Staff = PROCUREMENT) -> JSONResponse:
    return JSONResponse(procurement_request(runtime(request), request_id))


def _act(request: Request, action: str, request_id: int, body: Any, staff: Staff) -> JSONResponse:
    read = forms.PROCUREMENT_ACTIONS[action]
    command = read(_body(body), request_id=request_id, actor=staff.username)
    return _result(services.handle(runtime(request), command))


@router.post(
    "/procurement/{request_id}/approve",
    tags=GOODS,
    summary="Approve within the budget line and the per-family ceiling (422 over-budget)",
)
def approve(
    request: Request, request_id: int, body: ApprovalBody | None = None, staff: Staff = MANAGE
) -> JSONResponse:
    return _act(request, "approve", request_id, body, staff)


@router.post("/procurement/{request_id}/order", tags=GOODS, summary="Order an approved request now")
def order(request: Request, request_id: int, staff: Staff = MANAGE) -> JSONResponse:
    return _act(request, "order", request_id, None, staff)


@router.post(
    "/procurement/{request_id}/deliver",
    tags=GOODS,
    summary="Goods received: the request is done and the family's service delivered",
)
def deliver(
    request: Request, request_id: int, body: ReceiptBody, staff: Staff = MANAGE
) -> JSONResponse:
    return _act(request, "deliver", request_id, body, staff)


@router.post(
    "/procurement/{request_id}/cancel", tags=GOODS, summary="Cancel a request not ordered yet"
)
def cancel(
    request: Request, request_id: int, body: ProcurementCancelBody, staff: Staff = MANAGE
) -> JSONResponse:
    return _act(request, "cancel", request_id, body, staff)
