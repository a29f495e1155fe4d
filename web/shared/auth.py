"""Who is asking: the session cookie, the logged-in staff member, permissions, CSRF and
the interface language. Routes get these as FastAPI dependencies.

Every router except the public one (login, health, static files) depends on
``require_login``; a test enumerates the app's routes to prove it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Depends, Request
from starlette.responses import Response

from web.shared import security
from web.shared.accounts import Staff, session_staff
from web.shared.i18n import DEFAULT_LANGUAGE, normalise_language
from web.shared.permissions import CHANGE_CASES, Permission, allowed
from workflow.errors import HogatarError
from workflow.runtime import Runtime

SESSION_COOKIE = "hogatar_session"
NONCE_COOKIE = "hogatar_csrf"
LANGUAGE_COOKIE = "hogatar_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LANGUAGE_MAX_AGE = 365 * 24 * 3600


class NotAuthenticated(HogatarError):
    def __init__(self) -> None:
        super().__init__("you need to log in")


class Forbidden(HogatarError):
    def __init__(self) -> None:
        super().__init__("your role does not allow this")


class PasswordChangeRequired(HogatarError):
    """Logged in with a temporary password: the pages send the person to choose their own
    (``PASSWORD_CHANGE_PATHS``), the API refuses with 403."""

    def __init__(self) -> None:
        super().__init__("choose a new password first (POST it on /account/password)")


#: All that a person logged in with a temporary password may open until they change it.
PASSWORD_CHANGE_PATHS = frozenset(
    {"/account/password", "/logout", "/language", "/api/v1/logout", "/api/v1/me"}
)


class CsrfRefused(HogatarError):
    def __init__(self) -> None:
        super().__init__(
            "the form has expired or did not come from this site; reload the page and try again"
        )


def runtime(request: Request) -> Runtime:
    """The runtime of this request. For a logged-in staff member its sessions see only
    the cases they may (scoped access, ``workflow.scoping``): every route, partial and
    API answer that reads through it obeys the same rule, and a case outside it is not
    found (404)."""
    if not hasattr(request.state, "runtime"):
        staff = current_staff(request)
        rt = _app_runtime(request)
        request.state.runtime = rt.acting_for(staff.username) if staff else rt
    scoped: Runtime = request.state.runtime
    return scoped


@contextmanager
def reading_in_one_transaction(request: Request) -> Iterator[Runtime]:
    """For drawing a page that only reads: the request's runtime, scoped as ever, with
    every session of its features sharing one connection and transaction
    (``Runtime.reading``). Writes (the access log) go through ``runtime(request)`` after."""
    rt = runtime(request)
    with rt.reading() as reading:
        request.state.runtime = reading
        try:
            yield reading
        finally:
            request.state.runtime = rt


def _app_runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def programme_wide_runtime(request: Request) -> Runtime:
    """The runtime that sees every case, for the reports' programme-wide counts: outside
    a reader's scope they show numbers, never a family (README "Access rules")."""
    return _app_runtime(request)


def secret(request: Request) -> str:
    key: str = request.app.state.secret_key
    return key


def current_staff(request: Request) -> Staff | None:
    """The logged-in staff member (looked up once per request), or None."""
    if not hasattr(request.state, "staff"):
        token = request.cookies.get(SESSION_COOKIE)
        request.state.staff = session_staff(_app_runtime(request), token) if token else None
    staff: Staff | None = request.state.staff
    return staff


def require_login(request: Request) -> Staff:
    staff = current_staff(request)
    if staff is None:
        raise NotAuthenticated()
    if staff.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise PasswordChangeRequired()
    return staff


def require(permission: Permission) -> Callable[..., Staff]:
    def dependency(staff: Staff = Depends(require_login)) -> Staff:  # noqa: B008
        if not allowed(staff.role, permission):
            raise Forbidden()
        return staff

    return dependency


def _csrf_binding(request: Request) -> str | None:
    if current_staff(request) is not None:
        return "session:" + request.cookies.get(SESSION_COOKIE, "")
    nonce = request.cookies.get(NONCE_COOKIE) or getattr(request.state, "new_nonce", None)
    return "nonce:" + nonce if nonce else None


def csrf_for(request: Request) -> str:
    """The token this request's forms carry; makes a nonce cookie before login."""
    binding = _csrf_binding(request)
    if binding is None:
        request.state.new_nonce = security.new_token()
        binding = "nonce:" + request.state.new_nonce
    return security.csrf_token(secret(request), binding)


async def verify_csrf(request: Request) -> None:
    """Unsafe requests carry the token in a form field or the X-CSRF-Token header."""
    if request.method not in UNSAFE_METHODS:
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    binding = _csrf_binding(request)
    if binding is None or not security.csrf_valid(secret(request), binding, given):
        raise CsrfRefused()


def language_of(request: Request) -> str:
    """The remembered choice (a cookie, set at login from the staff member's language and
    by the language switch), else Armenian."""
    return normalise_language(request.cookies.get(LANGUAGE_COOKIE)) or DEFAULT_LANGUAGE


def secure_cookies(request: Request) -> bool:
    return bool(runtime(request).settings.web_secure_cookies) or request.url.scheme == "https"


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def finish(request: Request, response: Response) -> Response:
    """Set the cookies this request decided on (a fresh CSRF nonce before login)."""
    nonce = getattr(request.state, "new_nonce", None)
    if nonce and not request.cookies.get(NONCE_COOKIE):
        set_cookie(request, response, NONCE_COOKIE, nonce, None)
    return response


def can(request: Request, permission: str) -> bool:
    """Whether the reader may do it; on a case page of a case they may only read (a
    colleague's), nothing that changes the case."""
    staff = current_staff(request)
    wanted = Permission(permission)
    if getattr(request.state, "read_only_case", False) and wanted in CHANGE_CASES:
        return False
    return staff is not None and allowed(staff.role, wanted)


def page_context(request: Request) -> dict[str, Any]:
    staff = current_staff(request)
    return {
        "request": request,
        "user": staff,
        "language": language_of(request),
        "csrf_token": csrf_for(request),
        "can": lambda permission: can(request, permission),
        "path": request.url.path,
        "query": str(request.url.query),
        # The "new case" forms of the workflows (the family's registration, ...).
        "intakes": [
            intake
            for intake in request.app.state.plugins.intakes(sorted(runtime(request).definitions))
            if staff is not None and allowed(staff.role, intake.permission)
        ],
    }
