"""What needs no login: the login form, the API's login, and the health checks."""

from __future__ import annotations

from math import ceil
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text
from starlette.responses import JSONResponse, RedirectResponse, Response

from web.shared import accounts
from web.shared.accounts import LoginFailed, LoginResult, TooManyFailures
from web.shared.auth import (
    LANGUAGE_COOKIE,
    LANGUAGE_MAX_AGE,
    SESSION_COOKIE,
    csrf_for,
    current_staff,
    language_of,
    runtime,
    secret,
    set_cookie,
)
from web.shared.i18n import gettext, ngettext, normalise_language
from web.shared.messages import message
from web.shared.redirects import safe_next
from web.shared.security import csrf_token
from web.shared.templating import render
from workflow.errors import InvalidInput

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["session"])


@router.get("/login")
def login_page(request: Request, next: str | None = None, lang: str | None = None) -> Response:
    chosen = normalise_language(lang)
    if chosen:
        # The language links on the login page: remember the choice and show the form.
        response: Response = RedirectResponse(
            f"/login?next={safe_next(next)}" if next else "/login", status_code=303
        )
        set_cookie(request, response, LANGUAGE_COOKIE, chosen, LANGUAGE_MAX_AGE)
        return response
    if current_staff(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(
        request,
        "session/login.html",
        {
            "next": safe_next(next),
            "error": None,
            "username": "",
            "notice": message("logged_out")
            if request.query_params.get("msg") == "logged_out"
            else None,
        },
    )


def source_of(request: Request) -> str:
    """The client's address (behind the local proxy, the one it forwarded): the login
    throttle counts failures per username and address."""
    return request.client.host if request.client else "unknown"


def _start_session(request: Request, response: Response, result: LoginResult) -> None:
    hours = runtime(request).settings.web_session_hours
    set_cookie(request, response, SESSION_COOKIE, result.token, int(hours * 3600))
    if not normalise_language(request.cookies.get(LANGUAGE_COOKIE)):
        language = normalise_language(result.staff.language) or language_of(request)
        set_cookie(request, response, LANGUAGE_COOKIE, language, LANGUAGE_MAX_AGE)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or "/"))
    try:
        result = accounts.log_in(
            runtime(request), username=username, password=password, source=source_of(request)
        )
    except (LoginFailed, TooManyFailures) as exc:
        # Said alike for every username, existing or not (web.shared.throttle).
        if isinstance(exc, TooManyFailures):
            minutes = ceil(exc.retry_after / 60)
            error = ngettext(
                "Too many failed logins with this username from this computer. Try again "
                "in %(num)d minute.",
                "Too many failed logins with this username from this computer. Try again "
                "in %(num)d minutes.",
                minutes,
            ) % {"num": minutes}
        else:
            error = gettext("The username or password is not right.")
        # A fresh CSRF token for the form shown again (the nonce cookie stays).
        csrf_for(request)
        page = render(
            request,
            "session/login.html",
            {"next": target, "error": error, "username": username, "notice": None},
            status_code=429 if isinstance(exc, TooManyFailures) else 401,
        )
        if isinstance(exc, TooManyFailures):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    response = RedirectResponse(target, status_code=303)
    _start_session(request, response, result)
    return response


@router.get("/health")
def health(request: Request) -> JSONResponse:
    return _health(request)


@api_router.get("/health", summary="Is the app up and its database reachable?")
def api_health(request: Request) -> JSONResponse:
    return _health(request)


def _health(request: Request) -> JSONResponse:
    try:
        with runtime(request).engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - health reports, it does not raise
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok"})


class Credentials(BaseModel):
    username: str
    password: str


@api_router.post("/login", summary="Log in; sets the session cookie, returns the CSRF token")
def api_login(request: Request, credentials: Credentials) -> JSONResponse:
    # JSON only: a cross-site form cannot send it without the browser asking first.
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise InvalidInput("send the credentials as application/json")
    result = accounts.log_in(
        runtime(request),
        username=credentials.username,
        password=credentials.password,
        source=source_of(request),
    )
    body: dict[str, Any] = {
        "username": result.staff.username,
        "full_name": result.staff.full_name,
        "role": result.staff.role,
        "csrf_token": csrf_token(secret(request), "session:" + result.token),
        "expires_at": result.expires_at.isoformat(),
    }
    response = JSONResponse(body)
    _start_session(request, response, result)
    return response
