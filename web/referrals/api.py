"""The JSON API of referrals: partners, referrals, a partner's answer."""

from __future__ import annotations

from dataclasses import asdict, replace
from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from web.referrals import forms
from web.referrals.queries import board_options, board_page, board_query, referral
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from workflow import services
from workflow.programme import referrals as programme_referrals


class ReferralBody(BaseModel):
    partner: str = Field(examples=["hrazdan_medical_centre"], description="A partner code.")
    purpose: str = Field(examples=["Ատամնաբուժական բուժում"])


class ReferralResponseBody(BaseModel):
    response: str = Field(
        examples=["accepted"], description="acknowledged, accepted, declined or completed"
    )
    reason: str | None = Field(default=None, description="Required to decline: the partner's.")
    feedback: str | None = Field(default=None, description="Required to complete.")


router = APIRouter()


def _result(event: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(asdict(event), status_code=status)


VIEW = Depends(require(Permission.VIEW_CASES))
REFER = Depends(require(Permission.REFER))
REFERRALS: list[str | Enum] = ["referrals"]


@router.get("/partners", tags=REFERRALS, summary="Partner organisations families are referred to")
def partners(request: Request, staff: Staff = VIEW) -> JSONResponse:
    return JSONResponse(programme_referrals.list_partners(runtime(request)))


@router.get(
    "/referrals",
    tags=REFERRALS,
    summary="Referrals, newest first: by case, status, worker, community, partner and the "
    "day they were made (from, to: 15.03.2024 or 2024-03-15), a page at a time (page, or "
    "limit and offset); a wrong value is a 422 naming its field",
)
def list_referrals(
    request: Request,
    case_id: int | None = None,
    status: str | None = None,
    worker: str | None = None,
    community: str | None = None,
    partner: str | None = None,
    date_from: str | None = Query(default=None, alias="from"),  # noqa: B008
    date_to: str | None = Query(default=None, alias="to"),  # noqa: B008
    page: str | None = None,
    limit: str | None = None,
    offset: str | None = None,
    staff: Staff = VIEW,
) -> JSONResponse:
    # The parameters above are for the API's documentation; the query string is read
    # by the board's own reader, so a page and a script are refused in the same words.
    rt = runtime(request)
    params = dict(request.query_params)
    query, wanted = board_query(rt, params, board_options(rt), path="/referrals", api=True)
    query.check()
    if case_id is not None:
        wanted = replace(wanted, case_id=case_id)
    found = board_page(rt, query, wanted)
    query.check()  # a page past the end
    return JSONResponse(found.as_json())


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
    command = forms.referral(body.model_dump(), case_id=case_id, actor=staff.username)
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
    command = forms.response(body.model_dump(), referral_id=referral_id, actor=staff.username)
    return _result(services.handle(runtime(request), command))
