"""Errors as users see them: pages in their language for the browser, problem details
(RFC 9457, ``application/problem+json``) for the API. Never a stack trace."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from web.shared.accounts import LoginFailed, TooManyFailures
from web.shared.auth import CsrfRefused, Forbidden, NotAuthenticated, PasswordChangeRequired
from web.shared.edge import RequestTooLarge
from web.shared.i18n import N_, gettext
from web.shared.messages import error_message
from web.shared.templating import render
from workflow.errors import (
    ConcurrentUpdate,
    GuardFailed,
    HogatarError,
    NotFound,
    TriggerNotAllowed,
)
from workflow.programme.families import PossibleDuplicate
from workflow.programme.procurement import OverBudget, OverFamilyCeiling
from workflow.programme.shared.values import Problems
from workflow.scoping import CaseReadOnly

log = logging.getLogger("hogatar.web")
PROBLEM_JSON = "application/problem+json"

#: status, problem type (a URN: stable, and no promise of a page behind it), title.
KINDS: tuple[tuple[type[Exception], int, str, str], ...] = (
    (NotAuthenticated, 401, "login-required", N_("Login required")),
    (LoginFailed, 401, "login-failed", N_("Login failed")),
    (TooManyFailures, 429, "too-many-failures", N_("Too many failed logins")),
    (Forbidden, 403, "forbidden", N_("Not allowed")),
    (PasswordChangeRequired, 403, "password-change-required", N_("Choose a new password")),
    (CaseReadOnly, 403, "case-read-only", N_("Read only")),
    (CsrfRefused, 403, "csrf", N_("The form has expired")),
    (NotFound, 404, "not-found", N_("Not found")),
    (RequestTooLarge, 413, "too-large", N_("Too large")),
    (ConcurrentUpdate, 409, "concurrent-update", N_("Changed by someone else")),
    (PossibleDuplicate, 422, "possible-duplicate", N_("Possible duplicate")),
    (OverBudget, 422, "over-budget", N_("Over budget")),
    (OverFamilyCeiling, 422, "over-family-ceiling", N_("Over the per-family ceiling")),
    (GuardFailed, 422, "requirements-unmet", N_("Requirements not met")),
    (TriggerNotAllowed, 422, "transition-not-allowed", N_("Step not allowed")),
    (Problems, 422, "validation", N_("Some fields need attention")),
)
HTTP_TITLES = {404: N_("Not found"), 405: N_("Not allowed"), 500: N_("Something went wrong")}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def classify(exc: HogatarError) -> tuple[int, str, str]:
    for kind, status, slug, title in KINDS:
        if isinstance(exc, kind):
            return status, slug, title
    if exc.bad_input:
        return 422, "invalid-input", N_("The request cannot be carried out")
    return 500, "server-error", N_("Something went wrong")


def problem(
    request: Request, status: int, slug: str, title: str, detail: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"urn:hogatar:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def extensions(exc: HogatarError) -> dict[str, Any]:
    """Machine-readable details beside the sentence: fields, requirements, duplicates."""
    if isinstance(exc, Problems):
        return {"errors": [{"field": p.field, "message": p.problem} for p in exc.problems]}
    if isinstance(exc, GuardFailed):
        return {
            "trigger": exc.trigger,
            "unmet": exc.unmet,
            # Each with its stable code, so a client can say it in its own words.
            "requirements": [{"code": r.code, "message": r.message} for r in exc.requirements],
        }
    if isinstance(exc, TriggerNotAllowed):
        return {"trigger": exc.trigger, "state": exc.state, "allowed": exc.allowed}
    if isinstance(exc, PossibleDuplicate):
        return {"matches": exc.matches, "case_ids": exc.case_ids}
    if isinstance(exc, ConcurrentUpdate):
        return {"expected_version": exc.expected, "current_version": exc.actual}
    if isinstance(exc, OverBudget | OverFamilyCeiling):
        return {"over_by_amd": exc.over_by}
    return {}


def error_page(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    context = {"status": status, "title": gettext(title), "detail": detail, "reload": None}
    context.update(extra)
    try:
        return render(request, "error.html", context, status_code=status)
    except Exception:  # noqa: BLE001 - the page itself failed (e.g. no database): plain text
        log.exception("the error page failed on %s", request.url.path)
        return Response(detail, status_code=status, media_type="text/plain; charset=utf-8")


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HogatarError)
    status, slug, title = classify(exc)
    if status >= 500:
        log.error("unexpected error on %s: %s", request.url.path, exc)
    if is_api(request):
        answer = problem(request, status, slug, title, str(exc), **extensions(exc))
        if isinstance(exc, TooManyFailures):
            answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    if isinstance(exc, NotAuthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if isinstance(exc, PasswordChangeRequired):
        return RedirectResponse("/account/password", status_code=303)
    reload = _reload_target(request) if isinstance(exc, ConcurrentUpdate) else None
    return error_page(request, status, title, error_message(exc), reload=reload)


def _reload_target(request: Request) -> str:
    """Where the "reload" button of a 409 leads: the case the form was about."""
    match = re.match(r"^/cases/(\d+)", request.url.path)
    if match:
        return f"/cases/{match.group(1)}"
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.path.startswith("/") and referer.netloc in ("", request.url.netloc):
        return referer.path
    return "/"


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    title = HTTP_TITLES.get(exc.status_code, N_("The request cannot be carried out"))
    if is_api(request):
        return problem(request, exc.status_code, f"http-{exc.status_code}", title, str(exc.detail))
    return error_page(request, exc.status_code, title, gettext(title))


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(part) for part in e["loc"][1:]) or "body", "message": e["msg"]}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    if is_api(request):
        return problem(
            request, 422, "validation", "Some fields need attention", detail, errors=errors
        )
    # A page's address with a word where an id belongs (/cases/abc): no such page. The
    # validator's own English wording is for the API; a reader gets a sentence.
    wrong_ids = [e for e in exc.errors() if e["loc"][:1] == ("path",)]
    if wrong_ids:
        sentence = gettext(
            "There is no page at this address: it has letters where a number belongs "
            "(a case number, for example)."
        )
        return error_page(request, 404, N_("Not found"), sentence)
    return error_page(
        request,
        422,
        N_("The request cannot be carried out"),
        gettext("The page received a value it cannot read. Go back, check it and try again."),
    )


async def database_down(request: Request, exc: Exception) -> Response:
    log.error("database unavailable on %s: %s", request.url.path, exc)
    detail = "the database cannot be reached; try again in a moment"
    if is_api(request):
        return problem(request, 503, "unavailable", "Service unavailable", detail)
    return error_page(
        request,
        503,
        N_("Service unavailable"),
        gettext("The database cannot be reached; try again in a moment."),
    )


async def value_refused(request: Request, exc: Exception) -> Response:
    """A value the edge checks let through and the database still refused (out of range,
    NUL): the request's fault, said as such, and the transaction rolled back."""
    log.warning("the database refused a value on %s: %s", request.url.path, exc)
    if is_api(request):
        return problem(
            request,
            422,
            "invalid-input",
            "The request cannot be carried out",
            "a value is out of the range the database can hold",
        )
    return error_page(
        request,
        422,
        N_("The request cannot be carried out"),
        gettext("The page received a value it cannot read. Go back, check it and try again."),
    )


async def unexpected(request: Request, exc: Exception) -> Response:
    # Logged with its traceback for operators; the user sees one plain sentence.
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    if is_api(request):
        return problem(request, 500, "server-error", "Something went wrong", type(exc).__name__)
    return error_page(
        request,
        500,
        HTTP_TITLES[500],
        gettext(
            "Something went wrong on our side. The error is logged; try again, or tell the "
            "administrator if it happens again."
        ),
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(HogatarError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(OperationalError, database_down)
    app.add_exception_handler(DataError, value_refused)
    app.add_exception_handler(Exception, unexpected)
