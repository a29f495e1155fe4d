"""Reminders and the inbox, and the referrals board: pages that read the background work
and the buttons that answer it (acknowledge a reminder, record a partner's answer).

A refused answer comes back as the referral's own page with the problem beside its field
and what was typed kept (422); an unknown reminder or referral is a 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web import effect_forms
from web.cases.caseload import overdue_reminders_for, referral, reminder
from web.effect_forms import RESPONSES
from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import Forbidden, can, require, require_login, runtime
from web.shared.lookups import family_names, staff_names
from web.shared.messages import error_message, field_errors, message
from web.shared.permissions import Permission, allowed, may_acknowledge
from web.shared.redirects import back_to
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput
from workflow.programme import inbox as programme_inbox
from workflow.programme import referrals as programme_referrals
from workflow.programme import reminders as programme_reminders
from workflow.programme.shared.values import Problems

router = APIRouter(include_in_schema=False)
#: Columns of the referrals board, in the order a referral moves through them.
REFERRAL_STATUSES = ("queued", "sent", "acknowledged", "accepted", "declined", "completed")
WAITING = ("scheduled", "sending")
FINISHED = ("acknowledged", "cancelled")
#: Finished reminders shown on the inbox page (the CLI lists them all).
RECENT = 10


def _names(request: Request, case_ids: list[int]) -> dict[int, str]:
    # Family names are the case file's: only for those who may read it.
    return family_names(runtime(request), case_ids) if can(request, "view_cases") else {}


def render_inbox(
    request: Request, staff: Staff, *, error: str | None = None, status_code: int = 200
) -> Response:
    rt = runtime(request)
    mine = programme_reminders.list_reminders(rt, recipient=staff.username)
    # Exactly the rows the dashboard counts: the team's overdue reminders for a manager
    # (their own among them), one's own for everyone else.
    overdue = overdue_reminders_for(rt, staff.role, staff.username)
    team = overdue if allowed(staff.role, Permission.OVERSEE_REMINDERS) else []
    items = programme_inbox.inbox(rt, username=staff.username)
    cases = [r["case_id"] for r in [*mine, *team, *items]]
    context: dict[str, Any] = {
        "open": [r for r in mine if r["status"] in programme_reminders.OPEN_REMINDERS],
        "upcoming": [r for r in mine if r["status"] in WAITING],
        "finished": [r for r in reversed(mine) if r["status"] in FINISHED][:RECENT],
        "team": team,
        "items": items,
        "names": _names(request, cases),
        "staff_names": staff_names(rt),
        "notice": message(request.query_params.get("msg")),
        "error": error,
    }
    return render(request, "inbox.html", context, status_code=status_code)


@router.get("/inbox")
def inbox_page(request: Request, staff: Staff = Depends(require_login)) -> Response:  # noqa: B008
    return render_inbox(request, staff)


@router.post("/reminders/{reminder_id}/acknowledge")
async def acknowledge(
    request: Request,
    reminder_id: int,
    staff: Staff = Depends(require_login),  # noqa: B008
) -> Response:
    rt = runtime(request)
    found = reminder(rt, reminder_id)
    if not may_acknowledge(staff.role, staff.username, found["recipient"]):
        raise Forbidden()
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            command = effect_forms.acknowledge(
                values, reminder_id=reminder_id, actor=staff.username
            )
            services.handle(rt, command)
        except InvalidInput as exc:
            return render_inbox(request, staff, error=error_message(exc), status_code=422)
        return back_to(values.get("next"), "/inbox", "acknowledged")

    return once.submit_once(rt, staff, values, save, fallback="/inbox")


@router.get("/referrals")
def referrals_board(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    rt = runtime(request)
    case = request.query_params.get("case") or ""
    case_id = int(case) if case.isdigit() else None
    rows = programme_referrals.list_referrals(rt, case_id=case_id)
    columns = [(status, [r for r in rows if r["status"] == status]) for status in REFERRAL_STATUSES]
    context = {
        "columns": columns,
        "case_id": case_id,
        "names": family_names(rt, [r["case_id"] for r in rows]),
        "notice": message(request.query_params.get("msg")),
    }
    return render(request, "referrals.html", context)


def render_referral(
    request: Request,
    referral_id: int,
    *,
    values: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
) -> Response:
    rt = runtime(request)
    found = referral(rt, referral_id)
    allowed_now = found["allowed_responses"]
    context = {
        "r": found,
        "family_name": family_names(rt, [found["case_id"]]).get(found["case_id"], ""),
        "values": values if values is not None else {"response": next(iter(allowed_now), "")},
        "errors": field_errors(error) if isinstance(error, Problems) else {},
        "error": error_message(error) if error is not None else None,
        "responses": [answer for answer in RESPONSES if answer in allowed_now],
        "notice": message(request.query_params.get("msg")),
    }
    return render(request, "referral.html", context, status_code=422 if error else 200)


@router.get("/referrals/{referral_id}")
def referral_page(
    request: Request,
    referral_id: int,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    return render_referral(request, referral_id)


@router.post("/referrals/{referral_id}/respond")
async def respond(
    request: Request,
    referral_id: int,
    staff: Staff = Depends(require(Permission.REFER)),  # noqa: B008
) -> Response:
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            command = effect_forms.response(values, referral_id=referral_id, actor=staff.username)
            services.handle(runtime(request), command)
        except InvalidInput as exc:
            return render_referral(request, referral_id, values=values, error=exc)
        return back_to(values.get("next"), f"/referrals/{referral_id}", "answered")

    fallback = f"/referrals/{referral_id}"
    return once.submit_once(runtime(request), staff, values, save, fallback=fallback)
