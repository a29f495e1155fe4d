"""The JSON API of reminders and the inbox."""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from web.reminders import forms
from web.reminders.queries import reminder
from web.shared.accounts import Staff
from web.shared.auth import Forbidden, require_login, runtime
from web.shared.permissions import Permission, allowed, may_acknowledge
from workflow import services
from workflow.programme import inbox as programme_inbox
from workflow.programme import reminders as programme_reminders

router = APIRouter()
LOGIN = Depends(require_login)
REMINDERS: list[str | Enum] = ["reminders"]


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
    command = forms.acknowledge({}, reminder_id=reminder_id, actor=staff.username)
    return JSONResponse({**asdict(services.handle(rt, command)), "status": "acknowledged"})
