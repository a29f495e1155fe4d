"""The forms of a case page, whatever its workflow: the forms its plug-in registers
(``web.shared.plugins``; the family's are in ``web.cases.form_specs``), the generic form
of a step that needs a reason, and the steps' buttons. A planned service's forms are
``web.cases.service_routes``, registering a family ``web.cases.registration``.

GET shows a form; POST reads it (``web.cases.forms``), hands the command to the service
layer and redirects to the case. A refused form comes back with each problem beside its
field and what was typed kept (422). A stale version (someone changed the case meanwhile)
brings the form back with what was typed, what changed since, and the current version,
so one click saves it again (409). Every form carries a one-time token
(``web.shared.once``): sent twice, it is saved once and the second submission shows the
first one's result.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from web.cases import forms
from web.cases.casefile import INPUT_GUARDS, case_step_permission, unmet_requirements
from web.cases.pages import render_case
from web.shared import forms as shared_forms
from web.shared import labels, once
from web.shared.accounts import Staff
from web.shared.auth import Forbidden, require_login, runtime
from web.shared.i18n import gettext
from web.shared.lookups import lookups, today
from web.shared.meanwhile import events_since
from web.shared.messages import error_message, field_errors
from web.shared.permissions import Permission, allowed, trigger_permission
from web.shared.plugins import CaseForm, plugins
from web.shared.templating import render
from workflow import services
from workflow.commands import ApprovalRequested
from workflow.errors import (
    CaseNotFound,
    ConcurrentUpdate,
    GuardFailed,
    InvalidInput,
    NotFound,
    TriggerNotAllowed,
)
from workflow.persistence.models import CaseRow
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Problems
from workflow.runtime import Runtime

router = APIRouter(include_in_schema=False)


def ensure(staff: Staff, permission: Permission) -> None:
    if not allowed(staff.role, permission):
        raise Forbidden()


def case_header(rt: Runtime, case_id: int) -> dict[str, Any]:
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        return {
            "id": case.id,
            "family_name": case.family_name or "",
            "workflow": case.workflow,
            "workflow_version": case.workflow_version,
            "state": case.state,
            "version": case.version,
            "definition": rt.machine_of(case).definition,
        }


def form_context(rt: Runtime) -> dict[str, Any]:
    return {"lookups": lookups(rt), "ref": reference(), "today": today(rt)}


def new_values(rt: Runtime, spec: CaseForm, case: dict[str, Any], staff: Staff) -> dict[str, Any]:
    """What a new form starts with: the case's version, today, the logged-in staff member."""
    values: dict[str, Any] = {"expected_version": case["version"]}
    values.update(dict.fromkeys(spec.today_fields, today(rt)))
    if spec.self_fields:
        choices = lookups(rt)
        for field, choice in spec.self_fields:
            if any(person.username == staff.username for person in choices[choice]):
                values[field] = staff.username
    return values


def show_form(
    request: Request,
    spec: CaseForm,
    *,
    case: dict[str, Any],
    staff: Staff,
    values: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    rt = runtime(request)
    context = {
        **form_context(rt),
        **(spec.context(rt) if spec.context else {}),
        **(spec.case_context(rt, case["id"]) if spec.case_context else {}),
        "case": case,
        "values": values if values is not None else new_values(rt, spec, case, staff),
        "errors": field_errors(error) if isinstance(error, Problems) else {},
        "error": error_message(error) if error is not None else None,
        "meanwhile": None,
        **(extra or {}),
    }
    return render(request, spec.template, context, status_code=422 if error else 200)


def show_stale_form(
    request: Request,
    spec: CaseForm,
    *,
    values: dict[str, Any],
    staff: Staff,
    exc: ConcurrentUpdate,
    case_id: int,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The form again as it was typed, with what changed since it was opened and the
    current version in it: checked, it is saved again in one click."""
    rt = runtime(request)
    case = case_header(rt, case_id)
    response = show_form(
        request,
        spec,
        case=case,
        staff=staff,
        values={**values, "expected_version": case["version"]},
        extra={
            **(extra or {}),
            "meanwhile": events_since(rt, case_id, exc.expected),
            "error": stale_message(),
        },
    )
    response.status_code = 409
    return response


def stale_message() -> str:
    return gettext(
        "This case changed while you were working on it, so your change is "
        "not saved yet. What you typed is kept below, beside what changed meanwhile: check "
        "it and save again."
    )


def done(case_id: int, anchor: str, msg: str = "saved") -> Response:
    return RedirectResponse(f"/cases/{case_id}?msg={msg}#{anchor or 'top'}", status_code=303)


@router.get("/cases/{case_id}/forms/{name}")
def case_form(
    request: Request,
    case_id: int,
    name: str,
    staff: Staff = Depends(require_login),  # noqa: B008
) -> Response:
    case = case_header(runtime(request), case_id)
    spec = case_form_spec(request, case, name)
    ensure(staff, form_permission(runtime(request), spec, case_id))
    return show_form(request, spec, case=case, staff=staff)


@router.post("/cases/{case_id}/forms/{name}")
async def submit_case_form(
    request: Request,
    case_id: int,
    name: str,
    staff: Staff = Depends(require_login),  # noqa: B008
) -> Response:
    rt = runtime(request)
    spec = case_form_spec(request, case_header(rt, case_id), name)
    ensure(staff, form_permission(rt, spec, case_id))
    values = shared_forms.form_values(await request.form())

    def save() -> Response:
        try:
            command = spec.read(values, case_id=case_id, actor=staff.username)
            result = services.handle(rt, command)
        except (GuardFailed, TriggerNotAllowed) as exc:
            return render_case(request, case_id, error=error_message(exc), status_code=422)
        except ConcurrentUpdate as exc:
            return show_stale_form(
                request, spec, values=values, staff=staff, exc=exc, case_id=case_id
            )
        except InvalidInput as exc:
            case = case_header(rt, case_id)
            return show_form(request, spec, case=case, staff=staff, values=values, error=exc)
        if isinstance(result, ApprovalRequested):  # closing is requested, not done
            return done(case_id, "top", "approval_requested")
        return done(
            case_id, spec.anchor, spec.notice_for(result) if spec.notice_for else spec.notice
        )

    return once.submit_once(rt, staff, values, save, fallback=f"/cases/{case_id}")


@router.post("/cases/{case_id}/transitions/{trigger}")
async def advance(
    request: Request,
    case_id: int,
    trigger: str,
    staff: Staff = Depends(require_login),  # noqa: B008
) -> Response:
    """The case page's buttons; close and reopen go through their forms (a reason)."""
    rt = runtime(request)
    ensure(staff, case_step_permission(rt, case_id, trigger))
    values = shared_forms.form_values(await request.form())
    return once.submit_once(
        rt,
        staff,
        values,
        partial(_advance, request, rt, staff, values, case_id, trigger),
        fallback=f"/cases/{case_id}",
    )


def _advance(
    request: Request, rt: Runtime, staff: Staff, values: dict[str, Any], case_id: int, trigger: str
) -> Response:
    try:
        command = forms.transition(values, case_id=case_id, trigger=trigger, actor=staff.username)
        result = services.handle(rt, command)
    except (InvalidInput, GuardFailed, TriggerNotAllowed) as exc:
        # Back on the case page, whose cards say what each step needs (not a bare error page).
        unmet = (
            [labels.guard(r.guard, r.message) for r in unmet_requirements(rt, case_id, trigger)]
            if isinstance(exc, GuardFailed)
            else None
        )
        return render_case(request, case_id, error=error_message(exc), unmet=unmet, status_code=422)
    if isinstance(result, ApprovalRequested):
        return done(case_id, "top", "approval_requested")
    return done(case_id, "top", "advanced")


def form_permission(rt: Runtime, spec: CaseForm, case_id: int) -> Permission:
    """A form that fires a step is the step's: a closure that needs approval may be
    requested by whoever edits cases, one that does not stays the manager's."""
    if spec.trigger is None:
        return spec.permission
    needed = case_step_permission(rt, case_id, spec.trigger)
    return spec.permission if needed == trigger_permission(spec.trigger) else needed


def spec_of(table: Mapping[str, CaseForm], name: str) -> CaseForm:
    spec = table.get(name)
    if spec is None:
        raise FormNotFound(name)
    return spec


def case_form_spec(request: Request, case: dict[str, Any], name: str) -> CaseForm:
    """The form ``name`` of the case's workflow (its plug-in's), else, for a step from the
    case's state whose guard needs what a person types (a reason), the generic step form."""
    own = plugins(request).of(case["workflow"]).forms.get(name)
    if own is not None:
        return own
    transition = case["definition"].transition(name, case["state"])
    asks = tuple(g for g in transition.guards if g in INPUT_GUARDS) if transition else ()
    if transition is None or not asks:
        raise FormNotFound(name)
    return CaseForm(
        "cases/forms/step.html",
        trigger_permission(name),
        partial(forms.step, trigger=name, asks=asks),
        notice="advanced",
        trigger=name,
        context=lambda _rt: {"step": name, "asks": asks},
    )


class FormNotFound(NotFound):
    """An unknown form name in the URL: the page answers 404."""

    def __init__(self, name: str) -> None:
        super().__init__(f"there is no form {name!r}")
