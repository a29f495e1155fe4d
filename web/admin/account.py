"""Passwords people choose themselves: "change my password" for everyone logged in (and the
only page a person logged in with a temporary password can open until they have), and
the page of a one-time password link, which needs no login (the link is the key)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from web.admin import forms as admin_forms
from web.shared import forms, passwords
from web.shared.accounts import Staff
from web.shared.auth import SESSION_COOKIE, require_login, runtime
from web.shared.templating import render
from workflow.errors import InvalidInput

router = APIRouter(include_in_schema=False)
#: The link's page: opened before any login (app.py adds the CSRF check, bound to a nonce).
public_router = APIRouter(include_in_schema=False)
LOGGED_IN = Depends(require_login)


def _password_form(request: Request, staff: Staff, error: InvalidInput | None = None) -> Response:
    context = {
        "forced": staff.must_change_password,
        "values": {},  # passwords are never shown again
        "errors": admin_forms.admin_errors(error) if error else {},
        "error": admin_forms.top_message(error) if error else None,
    }
    return render(
        request, "admin/account_password.html", context, status_code=422 if error else 200
    )


@router.get("/account/password")
def password_form(request: Request, staff: Staff = LOGGED_IN) -> Response:
    return _password_form(request, staff)


@router.post("/account/password")
async def change_password(request: Request, staff: Staff = LOGGED_IN) -> Response:
    values = forms.form_values(await request.form())
    try:
        passwords.change_own_password(
            runtime(request),
            username=staff.username,
            current=admin_forms.text(values, "current"),
            password=admin_forms.text(values, "password"),
            confirmation=admin_forms.text(values, "confirmation"),
            session_token=request.cookies.get(SESSION_COOKIE),
        )
    except InvalidInput as exc:
        return _password_form(request, staff, exc)
    # Their own work, now that the password is theirs.
    return RedirectResponse("/", status_code=303)


def _link_page(request: Request, token: str, error: InvalidInput | None = None) -> Response:
    try:
        owner = passwords.link_owner(runtime(request), token)
    except passwords.LinkRefused:
        return render(request, "admin/link_refused.html", {}, status_code=410)
    context = {
        "owner": owner,
        "token": token,
        "values": {},
        "errors": admin_forms.admin_errors(error) if error else {},
        "error": admin_forms.top_message(error) if error else None,
    }
    return render(request, "admin/password_link.html", context, status_code=422 if error else 200)


@public_router.get("/password/{token}")
def link_page(request: Request, token: str) -> Response:
    return _link_page(request, token)


@public_router.post("/password/{token}")
async def use_link(request: Request, token: str) -> Response:
    values = forms.form_values(await request.form())
    try:
        owner = passwords.use_reset_link(
            runtime(request),
            token=token,
            password=admin_forms.text(values, "password"),
            confirmation=admin_forms.text(values, "confirmation"),
        )
    except passwords.LinkRefused:
        return render(request, "admin/link_refused.html", {}, status_code=410)
    except InvalidInput as exc:
        return _link_page(request, token, exc)
    return render(request, "admin/password_set.html", {"owner": owner})
