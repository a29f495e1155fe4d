"""The logged-in session: logout, the language switch, who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from web.shared import accounts
from web.shared.accounts import Staff
from web.shared.auth import (
    LANGUAGE_COOKIE,
    LANGUAGE_MAX_AGE,
    SESSION_COOKIE,
    require_login,
    runtime,
    set_cookie,
)
from web.shared.i18n import DEFAULT_LANGUAGE, normalise_language
from web.shared.redirects import safe_next

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["session"])


def _end_session(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.log_out(runtime(request), token)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.post("/logout")
def logout(request: Request) -> Response:
    response = RedirectResponse("/login?msg=logged_out", status_code=303)
    _end_session(request, response)
    return response


@router.post("/language")
def language(
    request: Request, language: str = Form(DEFAULT_LANGUAGE), next: str = Form("/")
) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    chosen = normalise_language(language) or DEFAULT_LANGUAGE
    set_cookie(request, response, LANGUAGE_COOKIE, chosen, LANGUAGE_MAX_AGE)
    return response


@api_router.post("/logout", summary="End this session")
def api_logout(request: Request) -> Response:
    response = Response(status_code=204)
    _end_session(request, response)
    return response


@api_router.get("/me", summary="Who is logged in")
def me(staff: Staff = Depends(require_login)) -> JSONResponse:  # noqa: B008
    body: dict[str, Any] = {
        "username": staff.username,
        "full_name": staff.full_name,
        "role": staff.role,
        "language": staff.language,
    }
    return JSONResponse(body)
