"""Incidents for operators: background work that failed every retry. The list (effect,
case, error type, attempts, since when), one incident's page, and its two ways out: run
it again, or resolve it without running ("skip", with a reason). Both are recorded on
the case's timeline by the service layer; only admins and managers act here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.i18n import N_, gettext
from web.shared.messages import message
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow import queries, services
from workflow.commands import RetryIncident, SkipIncident
from workflow.errors import IncidentNotFound, IncidentNotOpen, InvalidInput

router = APIRouter(include_in_schema=False)

NOTICES = {
    "retried": N_("The work is queued again; it runs in a moment."),
    "skipped": N_("The incident is resolved without running the work."),
}
NEEDS_REASON = N_("Say why the work need not run: a reason is required to skip it.")
NOT_OPEN = N_("This incident is no longer open: someone has already retried or skipped it.")


def error_type(error: str) -> str:
    """``MailTemporaryError: ...`` -> ``MailTemporaryError``: what an operator scans for."""
    return error.split(":", 1)[0].strip()


def incident_view(rt: Any, incident_id: int) -> dict[str, Any]:
    for incident in queries.list_incidents(rt, include_retried=True):
        if incident["id"] == incident_id:
            return incident | {"error_type": error_type(incident["error"])}
    raise IncidentNotFound(incident_id)


@router.get("/incidents")
def incidents_page(
    request: Request,
    staff: Staff = Depends(require(Permission.OPERATE_INCIDENTS)),  # noqa: B008
) -> Response:
    rt = runtime(request)
    rows = queries.list_incidents(rt, include_retried=True)
    context = {
        "open": [r | {"error_type": error_type(r["error"])} for r in rows if r["status"] == "open"],
        "resolved": [r for r in reversed(rows) if r["status"] != "open"][:20],
        "oldest": queries.oldest_waiting(rt),
        "notice": _notice(request),
    }
    return render(request, "incidents/incidents.html", context)


def render_incident(
    request: Request,
    incident_id: int,
    *,
    values: dict[str, Any] | None = None,
    error: str | None = None,
) -> Response:
    context = {
        "i": incident_view(runtime(request), incident_id),
        "values": values or {},
        "errors": {"reason": [error]} if error == gettext(NEEDS_REASON) else {},
        "error": error,
        "notice": _notice(request),
    }
    return render(request, "incidents/incident.html", context, status_code=422 if error else 200)


@router.get("/incidents/{incident_id}")
def incident_page(
    request: Request,
    incident_id: int,
    staff: Staff = Depends(require(Permission.OPERATE_INCIDENTS)),  # noqa: B008
) -> Response:
    return render_incident(request, incident_id)


@router.post("/incidents/{incident_id}/retry")
async def retry(
    request: Request,
    incident_id: int,
    staff: Staff = Depends(require(Permission.OPERATE_INCIDENTS)),  # noqa: B008
) -> Response:
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            services.handle(
                runtime(request), RetryIncident(incident_id=incident_id, actor=staff.username)
            )
        except IncidentNotOpen:
            return render_incident(request, incident_id, error=gettext(NOT_OPEN))
        return RedirectResponse("/incidents?msg=retried", status_code=303)

    fallback = f"/incidents/{incident_id}"
    return once.submit_once(runtime(request), staff, values, save, fallback=fallback)


@router.post("/incidents/{incident_id}/skip")
async def skip(
    request: Request,
    incident_id: int,
    staff: Staff = Depends(require(Permission.OPERATE_INCIDENTS)),  # noqa: B008
) -> Response:
    values = forms.form_values(await request.form())

    def save() -> Response:
        command = SkipIncident(
            incident_id=incident_id, actor=staff.username, reason=str(values.get("reason") or "")
        )
        try:
            services.handle(runtime(request), command)
        except IncidentNotOpen:
            return render_incident(request, incident_id, values=values, error=gettext(NOT_OPEN))
        except InvalidInput:
            return render_incident(request, incident_id, values=values, error=gettext(NEEDS_REASON))
        return RedirectResponse("/incidents?msg=skipped", status_code=303)

    fallback = f"/incidents/{incident_id}"
    return once.submit_once(runtime(request), staff, values, save, fallback=fallback)


def _notice(request: Request) -> str | None:
    code = request.query_params.get("msg")
    if code in NOTICES:
        return gettext(NOTICES[code])
    return message(code)
