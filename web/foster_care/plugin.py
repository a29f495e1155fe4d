"""The foster-care pilot's plug-in of the case pages: its part of the case file (the
prospective foster family and the record of each step), the section that shows it, a
form for each step's record (application, home assessment, training, the commission's
decision, the match, the placement, monitoring visits), closing with the pilot's own
reasons, and its intake (registering an inquiry opens the case)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from web.foster_care import forms
from web.shared import forms as shared_forms
from web.shared import once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.i18n import N_
from web.shared.lookups import communities, lookups
from web.shared.messages import error_message, field_errors
from web.shared.permissions import Permission
from web.shared.plugins import CaseForm, Intake, WorkflowPlugin
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput
from workflow.programme.foster_care import foster_rules, foster_view
from workflow.programme.shared.cases import FOSTER_WORKFLOW
from workflow.programme.shared.values import Problems
from workflow.runtime import Runtime

INTAKE_PATH = "/foster-families/new"
router = APIRouter(include_in_schema=False)

#: Where on the case page each record may be made: the states its service accepts it in.
RECORDED_IN = {
    "application": ("inquiry", "application"),
    "home_assessment": ("home_assessment", "training"),
    "training": ("training",),
    "decision": ("approval",),
    "match": ("matching", "placement"),
    "placement": ("placement",),
    "visit": ("monitoring",),
}


def _rules(_rt: Runtime) -> dict[str, Any]:
    return {"foster_rules": foster_rules()}


def foster_file(rt: Runtime, case_id: int) -> dict[str, Any]:
    """The foster family's part of the case file, with what its steps still lack."""
    view = foster_view(rt, case_id=case_id)
    rules = foster_rules()
    received = {code for row in view["applications"] for code in row["documents"]}
    attended = {code for row in view["training"] for code in row["modules"]}
    return {
        "case": {"family_name": view["family_name"]},
        "foster": view,
        "foster_rules": rules,
        "missing_documents": [d for d in rules.required_documents if d.code not in received],
        "missing_modules": [m for m in rules.modules if m.code not in attended],
        "foster_records": {name: view["state"] in states for name, states in RECORDED_IN.items()},
    }


def _form(template: str, read: Any, **kw: Any) -> CaseForm:
    return CaseForm(
        f"foster_care/forms/{template}.html",
        kw.pop("permission", Permission.EDIT_CASES),
        read,
        kw.pop("anchor", "foster"),
        context=_rules,
        **kw,
    )


FOSTER_FORMS = {
    "application": _form("application", forms.application, today_fields=("submitted_on",)),
    "home_assessment": _form(
        "home_assessment",
        forms.home_assessment,
        today_fields=("assessed_on",),
        self_fields=(("assessor", "assessors"),),
    ),
    "training": _form("training", forms.training, today_fields=("held_on",)),
    "decision": _form("decision", forms.decision, today_fields=("decided_on",)),
    "match": _form("match", forms.match, today_fields=("matched_on",)),
    "placement": _form("placement", forms.placement, today_fields=("placed_on",)),
    "visit": _form(
        "visit",
        forms.visit,
        today_fields=("visited_on",),
        self_fields=(("visitor", "workers"),),
    ),
    "close": _form(
        "close",
        forms.close,
        permission=Permission.CLOSE_CASES,
        anchor="",
        notice="advanced",
        trigger="close",
    ),
}


def _inquiry_context(rt: Runtime) -> dict[str, Any]:
    return {"lookups": lookups(rt), "communities": communities_of(rt)}


def communities_of(rt: Runtime) -> list[Any]:
    with rt.session_factory() as session:
        return communities(session)


@router.get(INTAKE_PATH)
def new_inquiry(
    request: Request,
    staff: Staff = Depends(require(Permission.EDIT_CASES)),  # noqa: B008
) -> Response:
    context = {**_inquiry_context(runtime(request)), "values": {}, "errors": {}, "error": None}
    return render(request, "foster_care/inquiry.html", context)


@router.post("/foster-families")
async def register_inquiry(
    request: Request,
    staff: Staff = Depends(require(Permission.EDIT_CASES)),  # noqa: B008
) -> Response:
    rt = runtime(request)
    values = shared_forms.form_values(await request.form())
    return once.submit_once(
        rt, staff, values, partial(_register, request, rt, staff, values), fallback="/cases"
    )


def _register(request: Request, rt: Runtime, staff: Staff, values: dict[str, Any]) -> Response:
    try:
        event = services.handle(rt, forms.inquiry(values, actor=staff.username))
    except InvalidInput as exc:
        context = {
            **_inquiry_context(rt),
            "values": values,
            "errors": field_errors(exc) if isinstance(exc, Problems) else {},
            "error": error_message(exc),
        }
        return render(request, "foster_care/inquiry.html", context, status_code=422)
    return RedirectResponse(f"/cases/{event.case_id}?msg=registered#top", status_code=303)


def foster_plugin() -> WorkflowPlugin:
    return WorkflowPlugin(
        workflow=FOSTER_WORKFLOW,
        title=N_("Foster family"),
        load=foster_file,
        sections=("foster_care/section.html",),
        forms=FOSTER_FORMS,
        intake=Intake(INTAKE_PATH, N_("Register a foster family inquiry"), Permission.EDIT_CASES),
        routers=(router,),
    )
