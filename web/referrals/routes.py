"""The referrals board and one referral's page, and the button that records a partner's
answer.

A refused answer comes back as the referral's own page with the problem beside its field
and what was typed kept (422); an unknown referral is a 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.referrals import forms as referrals_forms
from web.referrals.forms import RESPONSES
from web.referrals.queries import referral
from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.lookups import family_names
from web.shared.messages import error_message, field_errors, message
from web.shared.permissions import Permission
from web.shared.redirects import back_to
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput
from workflow.programme import referrals as programme_referrals
from workflow.programme.shared.values import Problems

router = APIRouter(include_in_schema=False)
#: Columns of the referrals board, in the order a referral moves through them.
#: The board's columns; "withheld": never mailed, the family's consent had lapsed.
REFERRAL_STATUSES = (
    "queued",
    "sent",
    "acknowledged",
    "accepted",
    "declined",
    "completed",
    "withheld",
)


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
    return render(request, "referrals/board.html", context)


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
        # The partner's answer link (web/partners): revoke it, send a new one.
        "link": programme_referrals.link_state(rt, referral_id),
    }
    return render(request, "referrals/referral.html", context, status_code=422 if error else 200)


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
            command = referrals_forms.response(
                values, referral_id=referral_id, actor=staff.username
            )
            services.handle(runtime(request), command)
        except InvalidInput as exc:
            return render_referral(request, referral_id, values=values, error=exc)
        return back_to(values.get("next"), f"/referrals/{referral_id}", "answered")

    fallback = f"/referrals/{referral_id}"
    return once.submit_once(runtime(request), staff, values, save, fallback=fallback)
