"""The staff's control of a referral's partner links, from the referral's page: revoke
them, or send the partner a new one (the old ones stop working). The buttons are
``partners/link_actions.html``, included in the referral's page; the JSON API is
``web.partners.api``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from workflow import services
from workflow.programme.referrals import (
    ReferralConsentMissing,
    ReferralLinkResendRefused,
    ResendReferralLink,
    RevokeReferralLinks,
)

router = APIRouter(include_in_schema=False)
REFER = Depends(require(Permission.REFER))


def _back(referral_id: int, msg: str) -> Response:
    return RedirectResponse(f"/referrals/{referral_id}?msg={msg}#partner-link", status_code=303)


@router.post("/referrals/{referral_id}/link/revoke")
async def revoke(request: Request, referral_id: int, staff: Staff = REFER) -> Response:
    values = forms.form_values(await request.form())

    def save() -> Response:
        command = RevokeReferralLinks(referral_id=referral_id, actor=staff.username)
        services.handle(runtime(request), command)
        return _back(referral_id, "link_revoked")

    fallback = f"/referrals/{referral_id}"
    return once.submit_once(runtime(request), staff, values, save, fallback=fallback)


@router.post("/referrals/{referral_id}/link/resend")
async def resend(request: Request, referral_id: int, staff: Staff = REFER) -> Response:
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            command = ResendReferralLink(referral_id=referral_id, actor=staff.username)
            services.handle(runtime(request), command)
        except ReferralLinkResendRefused:
            return _back(referral_id, "link_not_resent")
        except ReferralConsentMissing:
            return _back(referral_id, "link_not_resent_no_consent")
        return _back(referral_id, "link_resent")

    fallback = f"/referrals/{referral_id}"
    return once.submit_once(runtime(request), staff, values, save, fallback=fallback)
