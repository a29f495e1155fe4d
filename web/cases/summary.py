"""The printable case summary (for the guardianship commission or a case conference):
the family, its household, the assessments with their criteria, the service plan with
its deliveries and the most recent case notes, on one page laid out for A4 by the print
stylesheet (web/static/app.css, ``@media print``). It is read from the queries the case
page and ``hogatar family show`` use, through the reader's scoped runtime, and masked as
they are: sensitive fields for the roles privacy.toml does not name, confidential notes
for those who may not read them. Opening it is in the access log like the case page.

There is no PDF download: the browser's print ("Save as PDF") makes it from this page;
no maintained pure-Python library renders this HTML without system libraries or a
headless browser (README "Printable case summary")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.notes.reading import notes_section
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.lookups import staff_names
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow.clock import as_utc
from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseRow
from workflow.programme.families import family_view, masked_member
from workflow.programme.privacy import VIEW_CASE, record_access
from workflow.programme.shared.cases import FAMILY_WORKFLOW
from workflow.runtime import Runtime

router = APIRouter(include_in_schema=False)

#: The summary shows this many notes, newest first; the case page has them all.
RECENT_NOTES = 10
#: The access log's detail: a printed summary, told apart from the case page's view.
PRINTED = "printed summary"


def _header(rt: Runtime, case_id: int) -> dict[str, Any]:
    """The case's number, state (with its definition, which names the state) and when it
    was opened; a case that is not a family's has no summary (not found)."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None or case.workflow != FAMILY_WORKFLOW:
            raise CaseNotFound(case_id)
        return {
            "id": case.id,
            "state": case.state,
            "opened_at": as_utc(case.opened_at),
            "definition": rt.machine_of(case).definition,
        }


def case_summary(request: Request, staff: Staff, case_id: int) -> dict[str, Any]:
    """What the summary shows to ``staff``: the family's file as ``family_view`` reads it
    with the household masked for the reader's role, and the newest notes as the case
    page shows them (a confidential note the reader may not read has no text)."""
    rt = runtime(request)
    header = _header(rt, case_id)
    view = family_view(rt, case_id=case_id)
    notes = notes_section(request, case_id)
    return {
        "case": header,
        "family": view,
        "members": [masked_member(member, staff.role) for member in view["members"]],
        "consents": [c for c in view["consents"] if c["withdrawn_on"] is None],
        # Newest first, as the file gives them oldest first.
        "assessments": list(reversed(view["assessments"])),
        "services": view["services"],
        "notes": notes[:RECENT_NOTES],
        "notes_total": len(notes),
        "printed_at": rt.clock.now(),
        "staff_names": staff_names(rt),
    }


@router.get("/cases/{case_id}/summary")
def summary_page(
    request: Request,
    case_id: int,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    page = render(request, "cases/summary.html", case_summary(request, staff, case_id))
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
