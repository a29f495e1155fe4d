"""The JSON API of partner links: revoke a referral's links, or mail a new one."""

from __future__ import annotations

from enum import Enum

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from workflow import services
from workflow.programme.referrals import ResendReferralLink, RevokeReferralLinks

router = APIRouter()
REFER = Depends(require(Permission.REFER))
REFERRALS: list[str | Enum] = ["referrals"]


@router.post(
    "/referrals/{referral_id}/link/revoke",
    tags=REFERRALS,
    summary="Stop the partner's links to this referral from working",
)
def revoke(request: Request, referral_id: int, staff: Staff = REFER) -> JSONResponse:
    command = RevokeReferralLinks(referral_id=referral_id, actor=staff.username)
    revoked = services.handle(runtime(request), command)
    return JSONResponse({"referral_id": referral_id, "links_revoked": revoked})


@router.post(
    "/referrals/{referral_id}/link/resend",
    status_code=202,
    tags=REFERRALS,
    summary="Revoke the partner's links and mail it a new one (in the background)",
)
def resend(request: Request, referral_id: int, staff: Staff = REFER) -> JSONResponse:
    command = ResendReferralLink(referral_id=referral_id, actor=staff.username)
    revoked = services.handle(runtime(request), command)
    return JSONResponse(
        {"referral_id": referral_id, "links_revoked": revoked, "new_link": "queued"},
        status_code=202,
    )
