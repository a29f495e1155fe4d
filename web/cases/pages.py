"""The pages staff read: dashboard, caseload and the case page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.cases.casefile import case_changeable, case_file
from web.cases.caseload import ALL, OPEN, SORTS, CaseloadFilter, caseload
from web.cases.diagram import render_diagram
from web.documents.reading import documents_section
from web.notes.reading import notes_section
from web.procurement.queries import procurement_awaiting_approval
from web.referrals.queries import referrals_awaiting_answer
from web.reminders.queries import overdue_reminders_for
from web.reports import reporting
from web.shared.accounts import Staff
from web.shared.auth import reading_in_one_transaction, require, require_login, runtime
from web.shared.lookups import lookups, staff_names, today
from web.shared.messages import message
from web.shared.permissions import Permission, allowed
from web.shared.plugins import plugins, workflow_labels
from web.shared.templating import render
from web.work.reading import work_of
from workflow.approval_requests import pending_approvals
from workflow.definition import StateDef
from workflow.programme.privacy import VIEW_CASE, record_access
from workflow.programme.shared.reference import reference
from workflow.runtime import Runtime

router = APIRouter(include_in_schema=False)
CASE_ROLES = ("social_worker", "psychologist")


@router.get("/")
def dashboard(request: Request, staff: Staff = Depends(require_login)) -> Response:  # noqa: B008
    rt = runtime(request)
    context: dict[str, Any] = {"states": reporting.states(rt), **dashboard_figures(rt, staff)}
    # The first block: what is due for this person (web.work), linking to "My work".
    context["work"] = work_of(request, staff)
    return render(request, "cases/dashboard.html", context)


def dashboard_figures(rt: Runtime, staff: Staff) -> dict[str, int | None]:
    """The dashboard's figures besides the states, as the page shows them to this staff
    member (None: not theirs to see); ``GET /api/v1/dashboard`` answers the same."""
    return {
        "mine": reporting.my_open_cases(rt, staff.id) if staff.role in CASE_ROLES else None,
        "incidents": reporting.open_incidents(rt) if staff.role in ("admin", "manager") else None,
        **waiting_work(rt, staff),
    }


def waiting_work(rt: Runtime, staff: Staff) -> dict[str, int | None]:
    """What waits for someone, as far as the staff member's role lets them see it (None:
    not theirs to see). Managers count everyone's overdue reminders, others their own: the
    very list the reminders page shows behind the figure's link."""
    return {
        "overdue_reminders": len(overdue_reminders_for(rt, staff.role, staff.username)),
        "awaiting_answer": referrals_awaiting_answer(rt)
        if allowed(staff.role, Permission.VIEW_CASES)
        else None,
        "awaiting_approval": procurement_awaiting_approval(rt)
        if allowed(staff.role, Permission.VIEW_PROCUREMENT)
        else None,
        # Requests of steps that need approval which this person may decide now.
        "awaiting_my_approval": len(pending_approvals(rt, for_staff=staff.username)),
    }


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def workflow_choices(request: Request) -> list[dict[str, Any]]:
    """Every loaded workflow with what it is called (its newest definition, its plug-in)."""
    rt = runtime(request)
    registered = plugins(request)
    return [
        {
            "name": name,
            "labels": workflow_labels(registered.of(name), rt.machine(name).definition),
            "definition": rt.machine(name).definition,
        }
        for name in sorted(rt.definitions)
    ]


def state_choices(rt: Runtime, workflow: str | None) -> list[StateDef]:
    """The states the filter offers: the chosen workflow's, else every workflow's (a
    state two workflows share is offered once)."""
    names = [workflow] if workflow else sorted(rt.definitions)
    seen: dict[str, StateDef] = {}
    for name in names:
        for state in rt.machine(name).definition.states:
            seen.setdefault(state.name, state)
    return list(seen.values())


def caseload_filter(request: Request, staff: Staff) -> CaseloadFilter:
    """The filters in the query string; a worker's first view is their own caseload."""
    params = request.query_params
    rt = runtime(request)
    workflow = params.get("workflow") or None
    if workflow not in rt.definitions:
        workflow = None
    states = [OPEN, ALL, *(s.name for s in state_choices(rt, workflow))]
    state = params.get("state") or OPEN
    worker_param = params.get("worker")
    if worker_param is None and staff.role in CASE_ROLES:
        worker: int | None = staff.id
    else:
        worker = _int(worker_param)
    sort = params.get("sort") or "-id"
    return CaseloadFilter(
        workflow=workflow,
        state=state if state in states else OPEN,
        community=_int(params.get("community")),
        worker=worker,
        criterion=params.get("criterion") or None,
        q=(params.get("q") or "").strip() or None,
        sort=sort if sort in SORTS else "-id",
        page=max(_int(params.get("page")) or 1, 1),
    )


@router.get("/cases")
def cases(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    rt = runtime(request)
    wanted = caseload_filter(request, staff)
    workflows = workflow_choices(request)
    context = {
        "caseload": caseload(rt, wanted),
        "lookups": lookups(rt),
        "workflows": workflows,
        "workflow_names": {wf["name"]: wf["labels"] for wf in workflows},
        "states": state_choices(rt, wanted.workflow),
        "criteria": [reference().primary_criterion, *reference().additional_criteria],
        "sorts": SORTS,
    }
    # HTMX asks for the results only when a filter changes; a plain request gets the page.
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "results":
        return render(request, "cases/caseload_results.html", context)
    return render(request, "cases/caseload.html", context)


@router.get("/cases/{case_id}")
def case_page(
    request: Request,
    case_id: int,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    params = request.query_params
    notice = message(params.get("msg"), params.get("saved_at"))
    with reading_in_one_transaction(request):
        page = render_case(request, case_id, notice=notice)
    # Logged once the page is drawn: an unknown case (404) showed no one's file.
    record_access(
        runtime(request),
        actor=staff.username,
        kind=VIEW_CASE,
        source=request.client.host if request.client else "unknown",
        case_id=case_id,
    )
    return page


def render_case(
    request: Request,
    case_id: int,
    *,
    notice: str | None = None,
    error: str | None = None,
    unmet: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    """The case page of any workflow: drawn from the case's own definition version, with
    the sections and forms its workflow's plug-in adds."""
    rt = runtime(request)
    file = case_file(rt, case_id, plugins(request))
    definition, plugin = file["definition"], file["plugin"]
    # A colleague's case of the reader's community: shown, with no step or form to take.
    read_only = not case_changeable(rt, case_id)
    request.state.read_only_case = read_only
    context = {
        **file,
        "staff_names": staff_names(rt),
        "today": today(rt),
        "diagram": render_diagram(definition, file["case"]["state"]),
        "workflow_labels": workflow_labels(plugin, definition),
        # The form that takes each step: the plug-in's, else the generic one when a guard
        # needs what a person types (a reason); a step without one is a button.
        "step_forms": {
            t.trigger: plugin.form_for(t.trigger) or (t.trigger if t.asks else None)
            for t in file["transitions"]
        },
        "flower_url": rt.settings.flower_url,
        # The case's notes as the reader may read them (confidential ones masked).
        "notes": notes_section(request, case_id),
        # The case's documents, and the upload form's choices (web.documents).
        "documents": documents_section(request, case_id),
        "notice": notice,
        "error": error,
        "unmet": unmet or [],
        "read_only": read_only,
    }
    return render(request, "cases/case.html", context, status_code=status_code)
