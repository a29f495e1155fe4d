"""The referrals board (filtered and paged) and one referral's page, and the button
that records a partner's answer.

A refused answer comes back as the referral's own page with the problem beside its field
and what was typed kept (422); an unknown referral is a 404.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.referrals import forms as referrals_forms
from web.referrals.forms import RESPONSES
from web.referrals.queries import board_options, board_page, board_query, referral
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


@router.get("/referrals")
def referrals_board(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    """The referrals as the filters ask, a page at a time (newest first). A wrong filter
    is said beside its field, what was typed is kept, and the list shows without it."""
    rt = runtime(request)
    options = board_options(rt)
    params = dict(request.query_params)
    case = params.get("case") or ""
    query, wanted = board_query(rt, params, options, path="/referrals", api=False)
    if case.isdigit():
        query.chosen["case"] = case
        wanted = replace(wanted, case_id=int(case))
    found = board_page(rt, query, wanted)
    context = {
        "found": found,
        "query": query,
        "options": options,
        "counts": programme_referrals.referral_counts(rt, wanted),
        "case_id": wanted.case_id,
        "names": family_names(rt, [r["case_id"] for r in found.rows]),
        "notice": message(request.query_params.get("msg")),
    }
    status = 422 if query.errors else 200
    return render(request, "referrals/board.html", context, status_code=status)


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
