"""The JSON API of procurement: requests, approval, orders, receipt, budget."""

from __future__ import annotations

from dataclasses import asdict, replace
from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from web.procurement import forms
from web.procurement.queries import procurement_request, queue_options, queue_page, queue_query
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


@router.get(
    "/procurement",
    tags=GOODS,
    summary="Procurement requests, newest first: by case, status, supplier, budget line, "
    "community, worker and the day they were requested (from, to: 15.03.2024 or "
    "2024-03-15), a page at a time (page, or limit and offset); a wrong value is a 422 "
    "naming its field",
)
def list_procurement(
    request: Request,
    status: str | None = None,
    case_id: int | None = None,
    supplier: str | None = None,
    budget_line: str | None = None,
    community: str | None = None,
    worker: str | None = None,
    date_from: str | None = Query(default=None, alias="from"),  # noqa: B008
    date_to: str | None = Query(default=None, alias="to"),  # noqa: B008
    page: str | None = None,
    limit: str | None = None,
    offset: str | None = None,
    staff: Staff = PROCUREMENT,
) -> JSONResponse:
    # The parameters above are for the API's documentation; the query string is read
    # by the queue's own reader, so a page and a script are refused in the same words.
    rt = runtime(request)
    params = dict(request.query_params)
    query, wanted = queue_query(rt, params, queue_options(rt), path="/procurement", api=True)
    query.check()
    if case_id is not None:
        wanted = replace(wanted, case_id=case_id)
    found = queue_page(rt, query, wanted)
    query.check()  # a page past the end
    return JSONResponse(found.as_json())


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
