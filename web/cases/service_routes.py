"""A planned service's own forms (a delivery, cancelling it) and starting it: part of the
family workflow's plug-in (``web.cases.family``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.cases import forms
from web.cases.casework import (
    case_header,
    done,
    ensure,
    show_form,
    show_stale_form,
    spec_of,
)
from web.cases.form_specs import SERVICE_FORMS
from web.cases.pages import render_case
from web.shared import forms as shared_forms
from web.shared import once
from web.shared.accounts import Staff
from web.shared.auth import require, require_login, runtime
from web.shared.messages import error_message
from web.shared.permissions import Permission
from workflow import services
from workflow.errors import ConcurrentUpdate, InvalidInput
from workflow.programme.plans import PlannedServiceNotFound, PlannedServiceRow
from workflow.runtime import Runtime

router = APIRouter(include_in_schema=False)


def planned_service(rt: Runtime, service_id: int) -> dict[str, Any]:
    with rt.session_factory() as session:
        row = session.get(PlannedServiceRow, service_id)
        if row is None:
            raise PlannedServiceNotFound(service_id)
        return {"id": row.id, "service": row.service, "status": row.status, "case_id": row.case_id}


@router.get("/services/{service_id}/forms/{name}")
def service_form(
    request: Request,
    service_id: int,
    name: str,
    staff: Staff = Depends(require_login),  # noqa: B008
) -> Response:
    spec = spec_of(SERVICE_FORMS, name)
    ensure(staff, spec.permission)
    rt = runtime(request)
    planned = planned_service(rt, service_id)
    case = case_header(rt, planned["case_id"])
    return show_form(request, spec, case=case, staff=staff, extra={"planned": planned})


@router.post("/services/{service_id}/forms/{name}")
async def submit_service_form(
    request: Request,
    service_id: int,
    name: str,
    staff: Staff = Depends(require_login),  # noqa: B008
) -> Response:
    spec = spec_of(SERVICE_FORMS, name)
    ensure(staff, spec.permission)
    rt = runtime(request)
    planned = planned_service(rt, service_id)
    values = shared_forms.form_values(await request.form())
    case_id = planned["case_id"]

    def save() -> Response:
        try:
            command = spec.read(values, planned_service_id=service_id, actor=staff.username)
            services.handle(rt, command)
        except ConcurrentUpdate as exc:
            return show_stale_form(
                request,
                spec,
                values=values,
                staff=staff,
                exc=exc,
                case_id=case_id,
                extra={"planned": planned},
            )
        except InvalidInput as exc:
            return show_form(
                request,
                spec,
                case=case_header(rt, case_id),
                staff=staff,
                values=values,
                error=exc,
                extra={"planned": planned},
            )
        return done(case_id, spec.anchor)

    return once.submit_once(rt, staff, values, save, fallback=f"/cases/{case_id}")


@router.post("/services/{service_id}/start")
async def start_service(
    request: Request,
    service_id: int,
    staff: Staff = Depends(require(Permission.EDIT_CASES)),  # noqa: B008
) -> Response:
    rt = runtime(request)
    planned = planned_service(rt, service_id)
    values = shared_forms.form_values(await request.form())

    def save() -> Response:
        try:
            command = forms.start(values, planned_service_id=service_id, actor=staff.username)
            services.handle(rt, command)
        except InvalidInput as exc:
            return render_case(
                request, planned["case_id"], error=error_message(exc), status_code=422
            )
        return done(planned["case_id"], "plan")

    return once.submit_once(rt, staff, values, save, fallback=f"/cases/{planned['case_id']}")
