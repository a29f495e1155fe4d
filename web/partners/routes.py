"""The page a partner organisation opens from its referral mail: no account, the link is
the key. It shows what the mail said (numbers, service, the social worker to call) and
takes the partner's answer; never the family's file.

The page is in the partner's language, is never cached (``no-store``) and sends no
Referer (the address holds the token). Its forms carry a CSRF token bound to the link
and to a nonce cookie, since there is no session to bind to. An answer goes through the
staff's own service (``respond_to_referral``); the form says which status it was made
for, so Back and send again, or a second tab, records nothing twice.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from web.partners import forms as partner_forms
from web.shared import security
from web.shared.auth import CSRF_FIELD, NONCE_COOKIE, finish, runtime, secret
from web.shared.forms import form_values
from web.shared.i18n import gettext, normalise_language, use_language
from web.shared.labels import referral_status
from web.shared.messages import error_message, field_errors
from web.shared.templating import render_text
from workflow import services
from workflow.errors import InvalidInput
from workflow.programme.referrals import (
    RESPONSE_STATUS,
    OpenReferralLink,
    PartnerView,
    ReferralAnsweredMeanwhile,
    ReferralLinkRefused,
    link_path,
)
from workflow.programme.shared.values import Problems

router = APIRouter(include_in_schema=False)

PAGE = "/partners/referrals/{referral_id}/{token}"
#: The headers of every partner page: the address is a key, keep it out of caches,
#: other sites' logs (Referer) and search engines.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
#: What a refused link says, by why it was refused (and its HTTP status).
REFUSALS = {
    "expired": (410, "This link has expired."),
    "revoked": (410, "This link no longer works: it was revoked."),
    "wrong_referral": (404, "This link does not belong to this referral."),
    "unknown": (404, "This link is not valid."),
}


def _csrf_binding(request: Request, token: str) -> str:
    nonce = request.cookies.get(NONCE_COOKIE) or getattr(request.state, "new_nonce", None)
    if not nonce:
        nonce = request.state.new_nonce = security.new_token()
    return f"partner-link:{security.token_hash(token)}:{nonce}"


def _csrf_ok(request: Request, token: str, values: dict[str, Any]) -> bool:
    if not request.cookies.get(NONCE_COOKIE):
        return False
    given = values.get(CSRF_FIELD)
    return security.csrf_valid(
        secret(request), _csrf_binding(request, token), given if isinstance(given, str) else None
    )


def _page(
    request: Request, name: str, language: str, context: dict[str, Any], status: int = 200
) -> Response:
    settings = runtime(request).settings
    values = {
        "language": language,
        "programme_phone": settings.programme_phone,
        "programme_email": settings.programme_contact_email,
        **context,
    }
    response = HTMLResponse(render_text(name, language, values), status_code=status)
    response.headers.update(PRIVATE_HEADERS)
    finish(request, response)
    return response


def _refused(request: Request, exc: ReferralLinkRefused) -> Response:
    language = normalise_language(exc.language) or "hy"
    status, text = REFUSALS.get(exc.why, REFUSALS["unknown"])
    with use_language(language):
        context = {"why": exc.why, "headline": gettext(text), "referral_id": exc.referral_id}
    return _page(request, "partners/refused.html", language, context, status)


def _answer_page(
    request: Request,
    view: PartnerView,
    token: str,
    *,
    values: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
    notice: str | None = None,
    kept: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    with use_language(view.language):
        context = {
            "v": view,
            "action": link_path(view.referral_id, token),
            "csrf_token": security.csrf_token(secret(request), _csrf_binding(request, token)),
            "values": values if values is not None else {},
            "errors": field_errors(error) if isinstance(error, Problems) else {},
            "error": _error_text(error) if error is not None else None,
            "notice": notice,
            # An answer not recorded (the referral moved on): what the partner wrote,
            # shown so that nothing typed is lost even where its field is gone.
            "kept": kept or {},
        }
    return _page(request, "partners/answer.html", view.language, context, status)


def _error_text(error: InvalidInput) -> str:
    if isinstance(error, ReferralAnsweredMeanwhile):
        return gettext(
            "The referral was answered meanwhile (it is now: %(status)s), so this answer was "
            "not recorded. Check the answer below and send it again if it still stands."
        ) % {"status": referral_status(error.now)}
    return error_message(error)


def _redirect(location: str) -> Response:
    response = RedirectResponse(location, status_code=303)
    response.headers.update(PRIVATE_HEADERS)
    return response


def _notice(code: str | None) -> str | None:
    if code == "answered":
        return gettext("Thank you: your answer is recorded. The social worker sees it at once.")
    if code == "already_recorded":
        return gettext("This answer was recorded already; it was not recorded a second time.")
    return None


def _open(request: Request, referral_id: int, token: str) -> PartnerView | Response:
    try:
        view: PartnerView = services.handle(
            runtime(request), OpenReferralLink(referral_id=referral_id, token=token)
        )
    except ReferralLinkRefused as exc:
        return _refused(request, exc)
    return view


@router.get(PAGE)
def partner_page(request: Request, referral_id: int, token: str) -> Response:
    view = _open(request, referral_id, token)
    if isinstance(view, Response):
        return view
    with use_language(view.language):
        notice = _notice(request.query_params.get("msg"))
    return _answer_page(request, view, token, notice=notice)


@router.post(PAGE)
async def partner_answer(request: Request, referral_id: int, token: str) -> Response:
    values = form_values(await request.form())
    view = _open(request, referral_id, token)
    if isinstance(view, Response):
        return view
    if not _csrf_ok(request, token, values):
        with use_language(view.language):
            expired = InvalidInput(
                gettext("The form has expired. Nothing was recorded; send the answer again.")
            )
        return _answer_page(request, view, token, values=values, error=expired, status=403)
    here = link_path(referral_id, token)
    try:
        command = partner_forms.answer(values, referral_id=referral_id, token=token)
        services.handle(runtime(request), command)
    except ReferralLinkRefused as exc:
        return _refused(request, exc)
    except ReferralAnsweredMeanwhile as exc:
        if RESPONSE_STATUS.get(exc.response) == exc.now:
            # The same answer again (Back and send, a double click): it stands, once.
            return _redirect(f"{here}?msg=already_recorded")
        fresh = _open(request, referral_id, token)
        if isinstance(fresh, Response):
            return fresh
        kept = {k: values.get(k) for k in ("response", "reason", "feedback") if values.get(k)}
        return _answer_page(request, fresh, token, values=kept, error=exc, kept=kept, status=409)
    except InvalidInput as exc:
        return _answer_page(request, view, token, values=values, error=exc, status=422)
    return _redirect(f"{here}?msg=answered")
