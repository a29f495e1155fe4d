"""The inbox page: what reached a staff member, and acknowledging a reminder."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.reminders import forms as reminders_forms
from web.reminders.queries import overdue_reminders_for, reminder
from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import Forbidden, can, require_login, runtime
from web.shared.lookups import family_names, staff_names
from web.shared.messages import error_message, message
from web.shared.permissions import Permission, allowed, may_acknowledge
from web.shared.redirects import back_to
from web.shared.templating import render
from workflow import services
from workflow.approval_requests import pending_approvals
from workflow.errors import InvalidInput
from workflow.programme import inbox as programme_inbox
from workflow.programme import reminders as programme_reminders

router = APIRouter(include_in_schema=False)
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
    # What waits for this person's decision: requests of steps that need approval.
    approvals = pending_approvals(rt, for_staff=staff.username)
    cases = [r["case_id"] for r in [*mine, *team, *items]] + [a.case_id for a in approvals]
    context: dict[str, Any] = {
        "open": [r for r in mine if r["status"] in programme_reminders.OPEN_REMINDERS],
        "upcoming": [r for r in mine if r["status"] in WAITING],
        "finished": [r for r in reversed(mine) if r["status"] in FINISHED][:RECENT],
        "team": team,
        "items": items,
        "approvals": approvals,
        "names": _names(request, cases),
        "staff_names": staff_names(rt),
        "notice": message(request.query_params.get("msg")),
        "error": error,
    }
    return render(request, "reminders/inbox.html", context, status_code=status_code)


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
            command = reminders_forms.acknowledge(
                values, reminder_id=reminder_id, actor=staff.username
            )
            services.handle(rt, command)
        except InvalidInput as exc:
            return render_inbox(request, staff, error=error_message(exc), status_code=422)
        return back_to(values.get("next"), "/inbox", "acknowledged")

    return once.submit_once(rt, staff, values, save, fallback="/inbox")
