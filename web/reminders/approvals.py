"""Deciding approval requests from one's "my work" page (/inbox): approve, or reject with
the reason. Who may decide is the engine's rule; a refusal comes back to the page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.reminders.routes import render_inbox
from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import require_login, runtime
from web.shared.messages import error_message
from web.shared.redirects import back_to
from workflow import services
from workflow.commands import DecideApproval
from workflow.errors import HogatarError

router = APIRouter(include_in_schema=False)
NOTICES = {"approve": "approval_approved", "reject": "approval_rejected"}


@router.post("/approvals/{approval_id}/{decision}")
async def decide(
    request: Request,
    approval_id: int,
    decision: str,
    staff: Staff = Depends(require_login),  # noqa: B008
) -> Response:
    rt = runtime(request)
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            services.handle(
                rt,
                DecideApproval(
                    approval_id=approval_id,
                    decision=decision,
                    actor=staff.username,
                    reason=values.get("reason"),
                ),
            )
        except HogatarError as exc:
            if not exc.bad_input:
                raise
            return render_inbox(request, staff, error=error_message(exc), status_code=422)
        return back_to(values.get("next"), "/inbox", NOTICES.get(decision, "saved"))

    return once.submit_once(rt, staff, values, save, fallback="/inbox")
