"""Registering a family: the form (members added row by row), the duplicate check
before the case is opened, the case it opens."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from starlette.responses import Response

from web.cases import forms
from web.cases.casework import done, form_context
from web.shared import forms as shared_forms
from web.shared import once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.lookups import today
from web.shared.messages import error_message, field_errors
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput
from workflow.persistence.models import CaseRow
from workflow.programme.families import PossibleDuplicate
from workflow.programme.shared.values import Problems
from workflow.runtime import Runtime

router = APIRouter(include_in_schema=False)


def _registration_context(rt: Runtime) -> dict[str, Any]:
    return {**form_context(rt), "member_rows": forms.MEMBER_ROWS}


@router.get("/families/new")
def new_family(
    request: Request,
    staff: Staff = Depends(require(Permission.EDIT_CASES)),  # noqa: B008
) -> Response:
    rt = runtime(request)
    context = {
        **_registration_context(rt),
        "values": {"consent.given_on": today(rt)},
        "errors": {},
        "error": None,
        "duplicates": [],
    }
    return render(request, "cases/forms/family.html", context)


@router.get("/families/new/member-row")
def member_row(
    request: Request,
    index: int = 1,
    staff: Staff = Depends(require(Permission.EDIT_CASES)),  # noqa: B008
) -> Response:
    context = {
        **form_context(runtime(request)),
        "index": max(1, min(index, 40)),
        "values": {},
        "errors": {},
    }
    return render(request, "cases/member_row.html", context)


@router.post("/families")
async def register_family(
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
        command = forms.registration(values, actor=staff.username, today=today(rt))
        event = services.handle(rt, command)
    except InvalidInput as exc:
        rows = max([forms.MEMBER_ROWS, *_member_numbers(values)])
        context = {
            **_registration_context(rt),
            "member_rows": rows,
            "values": values,
            "errors": field_errors(exc) if isinstance(exc, Problems) else {},
            "error": error_message(exc),
            "duplicates": possible_duplicates(rt, exc),
        }
        return render(request, "cases/forms/family.html", context, status_code=422)
    return done(event.case_id, "top", "registered")


def _member_numbers(values: dict[str, Any]) -> list[int]:
    return [int(m.group(1)) for k in values if (m := forms.MEMBER_FIELD.match(k))]


def possible_duplicates(rt: Runtime, exc: InvalidInput) -> list[dict[str, Any]]:
    """The open cases a new family may duplicate, each with why (who matches whom)."""
    if not isinstance(exc, PossibleDuplicate):
        return []
    with rt.session_factory() as session:
        rows = session.execute(
            select(
                CaseRow.id,
                CaseRow.family_name,
                CaseRow.community,
                CaseRow.state,
                CaseRow.workflow,
                CaseRow.workflow_version,
            ).where(CaseRow.id.in_(exc.case_ids))
        ).all()
    return [
        {
            "id": case_id,
            "family_name": name,
            "community": community,
            "state": state,
            # Named as the case's own version of its workflow names it.
            "definition": rt.machine_at(workflow, version).definition,
            "why": [match for match in exc.found if match.case_id == case_id],
        }
        for case_id, name, community, state, workflow, version in rows
    ]
