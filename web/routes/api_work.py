"""The JSON API of the background work under /api/v1: referrals, reminders and the inbox,
procurement. The same readers, permissions and service layer as the pages; errors are
problem details (``web.errors``), over budget with ``over_by_amd``."""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse

from web import effect_forms
from web.cases.api_models import values
from web.cases.caseload import procurement_request, referral, reminder
from web.procurement.api import ApprovalBody, ProcurementCancelBody, ReceiptBody
from web.referrals.api import ReferralBody, ReferralResponseBody
from web.shared.accounts import Staff
from web.shared.auth import Forbidden, require, require_login, runtime
from web.shared.permissions import Permission, allowed, may_acknowledge
from workflow import services
from workflow.programme import inbox as programme_inbox
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals as programme_referrals
from workflow.programme import reminders as programme_reminders

router = APIRouter()
LOGIN = Depends(require_login)
VIEW = Depends(require(Permission.VIEW_CASES))
REFER = Depends(require(Permission.REFER))
PROCUREMENT = Depends(require(Permission.VIEW_PROCUREMENT))
MANAGE = Depends(require(Permission.MANAGE_PROCUREMENT))
REFERRALS: list[str | Enum] = ["referrals"]
REMINDERS: list[str | Enum] = ["reminders"]
GOODS: list[str | Enum] = ["procurement"]


def _result(event: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(asdict(event), status_code=status)


def _body(body: BaseModel | None) -> dict[str, Any]:
    return values(body) if body is not None else {}


# --- Referrals ---


@router.get("/partners", tags=REFERRALS, summary="Partner organisations families are referred to")
def partners(request: Request, staff: Staff = VIEW) -> JSONResponse:
    return JSONResponse(programme_referrals.list_partners(runtime(request)))


@router.get("/referrals", tags=REFERRALS, summary="Referrals, by case and status")
def list_referrals(
    request: Request, case_id: int | None = None, status: str | None = None, staff: Staff = VIEW
) -> JSONResponse:
    rows = programme_referrals.list_referrals(runtime(request), case_id=case_id, status=status)
    return JSONResponse(rows)


@router.get("/referrals/{referral_id}", tags=REFERRALS, summary="One referral")
def get_referral(request: Request, referral_id: int, staff: Staff = VIEW) -> JSONResponse:
    return JSONResponse(referral(runtime(request), referral_id))


@router.post(
    "/cases/{case_id}/referrals",
    status_code=201,
    tags=REFERRALS,
    summary="Refer the family to a partner (mailed in the background)",
)
def create_referral(
    request: Request, case_id: int, body: ReferralBody, staff: Staff = REFER
) -> JSONResponse:
    command = effect_forms.referral(values(body), case_id=case_id, actor=staff.username)
    return _result(services.handle(runtime(request), command), 201)


@router.post(
    "/referrals/{referral_id}/responses",
    tags=REFERRALS,
    summary="Record the partner's answer: acknowledged, accepted, declined (reason), completed "
    "(feedback)",
)
def respond(
    request: Request, referral_id: int, body: ReferralResponseBody, staff: Staff = REFER
) -> JSONResponse:
    command = effect_forms.response(values(body), referral_id=referral_id, actor=staff.username)
    return _result(services.handle(runtime(request), command))


# --- Reminders and the inbox ---


@router.get(
    "/reminders",
    tags=REMINDERS,
    summary="Reminders, soonest first: your own; managers anyone's (recipient=USERNAME, or all)",
)
def list_reminders(
    request: Request,
    case_id: int | None = None,
    status: str | None = None,
    recipient: str | None = None,
    staff: Staff = LOGIN,
) -> JSONResponse:
    if not allowed(staff.role, Permission.OVERSEE_REMINDERS):
        if recipient not in (None, staff.username):
            raise Forbidden()
        recipient = staff.username
    rows = programme_reminders.list_reminders(
        runtime(request), case_id=case_id, recipient=recipient, status=status
    )
    return JSONResponse(rows)


@router.get("/inbox", tags=REMINDERS, summary="Your inbox: reminders and escalations")
def inbox(request: Request, unread_only: bool = True, staff: Staff = LOGIN) -> JSONResponse:
    rows = programme_inbox.inbox(runtime(request), username=staff.username, unread_only=unread_only)
    return JSONResponse(rows)


@router.post(
    "/reminders/{reminder_id}/acknowledge",
    tags=REMINDERS,
    summary="Acknowledge a reminder (stops its escalation): yours, or anyone's for managers",
)
def acknowledge(request: Request, reminder_id: int, staff: Staff = LOGIN) -> JSONResponse:
    rt = runtime(request)
    if not may_acknowledge(staff.role, staff.username, reminder(rt, reminder_id)["recipient"]):
        raise Forbidden()
    command = effect_forms.acknowledge({}, reminder_id=reminder_id, actor=staff.username)
    return JSONResponse({**asdict(services.handle(rt, command)), "status": "acknowledged"})


# --- Procurement ---


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
    read = effect_forms.PROCUREMENT_ACTIONS[action]
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
