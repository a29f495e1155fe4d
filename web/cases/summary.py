"""The printable case summary (for the guardianship commission or a case conference) at
``/cases/{id}/summary``: the family, its household, the assessments with their criteria,
the service plan with its deliveries and the most recent case notes, on one page laid
out for A4 by the print stylesheet (web/static/app.css, ``@media print``). What it holds
is ``workflow.programme.summaries.case_summary`` read through the reader's scoped runtime
and masked for them as the case page is (``hogatar family summary`` prints the same).
Opening it is in the access log like the case page.

There is no PDF download: the browser's print ("Save as PDF") makes it from this page;
no maintained pure-Python library renders this HTML without system libraries or a
headless browser (README "Printable case summary")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.notes.reading import reader_for
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.lookups import staff_names
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow.programme.privacy import VIEW_CASE, record_access
from workflow.programme.summaries import PRINTED, case_summary

router = APIRouter(include_in_schema=False)


def summary_context(request: Request, staff: Staff, case_id: int) -> dict[str, Any]:
    """The summary as ``staff`` may read it, with the names the page gives people and
    the definition that names the case's state."""
    rt = runtime(request)
    summary = case_summary(rt, case_id=case_id, reader=reader_for(staff))
    case = summary["case"]
    definition = rt.machine_at(case["workflow"], case["workflow_version"]).definition
    return {**summary, "definition": definition, "staff_names": staff_names(rt)}


@router.get("/cases/{case_id}/summary")
def summary_page(
    request: Request,
    case_id: int,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    page = render(request, "cases/summary.html", summary_context(request, staff, case_id))
    # Logged once the page is drawn, as the case page is: a case outside the reader's
    # scope (404) showed no one's file.
    record_access(
        runtime(request),
        actor=staff.username,
        kind=VIEW_CASE,
        source=request.client.host if request.client else "unknown",
        case_id=case_id,
        detail=PRINTED,
    )
    return page
