"""The JSON API of cases under /api/v1 (the caseload, a case file, registering a family,
the case file's changes, transitions, the dashboard and reports' figures): the same
readers and service layer as the pages; errors are problem details (see
``web.shared.errors``). Referrals, reminders and procurement have their own."""

from __future__ import annotations

import html
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from web.cases import forms, household_forms
from web.cases.api_models import (
    AssessmentBody,
    AssignmentBody,
    CancelBody,
    ConsentBody,
    CounsellingBody,
    DeliveryBody,
    FamilyBody,
    FamilyChangesBody,
    IncomeBody,
    MemberBody,
    MemberChangesBody,
    PlanBody,
    RemovalBody,
    TransitionBody,
    WithdrawalBody,
    values,
)
from web.cases.casefile import case_file, case_step_permission
from web.cases.caseload import caseload
from web.cases.pages import caseload_filter, dashboard_figures
from web.reports import reporting
from web.reports.routes import EXPORTS, report_period
from web.shared.accounts import Staff
from web.shared.auth import Forbidden, programme_wide_runtime, require, require_login, runtime
from web.shared.lookups import today
from web.shared.permissions import Permission, allowed
from web.shared.plugins import plugins
from workflow import services
from workflow.clock import as_utc
from workflow.commands import ApprovalRequested
from workflow.errors import NotFound
from workflow.programme.families import PreviewWithdrawal, masked_member
from workflow.programme.privacy import VIEW_CASE, record_access

router = APIRouter(tags=["cases"])
VIEW = Depends(require(Permission.VIEW_CASES))
LOGGED_IN = Depends(require_login)
EDIT = Depends(require(Permission.EDIT_CASES))
COUNSEL = Depends(require(Permission.RECORD_COUNSELLING))
REPORTS = Depends(require(Permission.VIEW_REPORTS))


def _result(event: Any, status: int = 200) -> JSONResponse:
    body = {
        key: value
        for key in ("case_id", "version", "record_id", "from_state", "to_state", "session_id")
        if (value := getattr(event, key, None)) is not None
    }
    if hasattr(event, "case_ids"):
        body["case_ids"] = list(event.case_ids)
    return JSONResponse(body, status_code=status)


@router.get("/cases", summary="The caseload: filter, search, sort, page")
def list_cases(request: Request, staff: Staff = VIEW) -> JSONResponse:
    found = caseload(runtime(request), caseload_filter(request, staff))
    return JSONResponse(
        {
            "page": found.filter.page,
            "has_next": found.has_next,
            "items": [
                {
                    "id": row.id,
                    "workflow": row.workflow,
                    "workflow_version": row.workflow_version,
                    "family_name": row.family_name,
                    "community": row.community,
                    "state": row.state,
                    "social_worker": row.social_worker,
                    "psychologist": row.psychologist,
                    "updated_at": as_utc(row.updated_at).isoformat(),
                }
                for row in found.rows
            ],
        }
    )


@router.get("/cases/{case_id}", summary="A case file with its timeline and transitions")
def get_case(request: Request, case_id: int, staff: Staff = VIEW) -> JSONResponse:
    file = case_file(runtime(request), case_id, plugins(request))
    answer = JSONResponse(_case_json(file, reader_role=staff.role))
    # As the case page: logged once the file was read (an unknown case showed nothing).
    record_access(
        runtime(request),
        actor=staff.username,
        kind=VIEW_CASE,
        source=request.client.host if request.client else "unknown",
        case_id=case_id,
    )
    return answer


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row(row: Any, *fields: str) -> dict[str, Any]:
    return {name: _iso(getattr(row, name)) for name in fields}


def _case_json(file: dict[str, Any], *, reader_role: str) -> dict[str, Any]:
    # A case of a workflow without the family's file has none of its parts.
    family, staff = file.get("family"), file.get("staff", {})

    def username(staff_id: int | None) -> str | None:
        return staff[staff_id].username if staff_id in staff else None

    return {
        **{k: _iso(v) for k, v in file["case"].items()},
        "family": None
        if family is None
        else {
            **_row(
                family,
                "family_name",
                "address",
                "phone",
                "referral_partner_type",
                "referral_partner_name",
                "state_benefit",
            ),
            "community": file["community"].code if file.get("community") else None,
            "social_worker": username(family.social_worker_id),
            "psychologist": username(family.psychologist_id),
        },
        # Health notes and disabilities only for the roles config/programme/privacy.toml
        # names; others get null and, under "hidden", whether the field is filled.
        "members": [
            masked_member(
                _row(m, "id", "role", "full_name", "date_of_birth", "disability", "health_notes"),
                reader_role,
            )
            for m in file.get("members", [])
        ],
        # No longer in the household: kept for the file's history, masked as the members.
        "removed_members": [
            masked_member(
                _row(
                    m,
                    "id",
                    "role",
                    "full_name",
                    "date_of_birth",
                    "disability",
                    "health_notes",
                    "removed_at",
                    "removed_by",
                    "removal_reason",
                ),
                reader_role,
            )
            for m in file.get("removed_members", [])
        ],
        "consents": [
            _row(
                c,
                "id",
                "purposes",
                "note",
                "given_on",
                "expires_on",
                "given_by_member_id",
                "given_by_name",
                "document_id",
                "withdrawn_on",
            )
            for c in file.get("consents", [])
        ],
        "assessments": [
            {
                **_row(
                    a,
                    "id",
                    "assessed_on",
                    "risk_of_abandonment",
                    "risk_description",
                    "criteria",
                    "notes",
                ),
                "assessor": username(a.assessor_id),
            }
            for a in file.get("assessments", [])
        ],
        "plan": [
            {
                **_row(
                    p,
                    "id",
                    "service",
                    "status",
                    "target_date",
                    "provider_partner",
                    "funder",
                    "funded_amount_amd",
                    "notes",
                    "cancel_reason",
                ),
                "provider_staff": username(p.provider_staff_id),
                "deliveries": [
                    _row(d, "id", "delivered_on", "quantity", "cost_amd", "notes")
                    for d in file.get("deliveries", {}).get(p.id, [])
                ],
            }
            for p in file.get("plan", [])
        ],
        "counselling": [
            {
                **_row(c, "id", "kind", "held_on", "follow_up_needed", "notes"),
                "psychologist": username(c.psychologist_id),
            }
            for c in file.get("counselling", [])
        ],
        "income": [
            _row(i, "id", "kind", "started_on", "description", "monthly_amount_amd")
            for i in file.get("incomes", [])
        ],
        "transitions": [
            {
                "trigger": t.trigger,
                "to": t.dest,
                "allowed": t.allowed,
                "needs_reason": t.needs_reason,
                "unmet": [{"guard": r.guard, "message": r.message} for r in t.unmet],
            }
            for t in file["transitions"]
        ],
        "timeline": [
            {key: _iso(value) for key, value in e.items() if key != "kind"}
            for e in file["timeline"]
            if e["kind"] == "event"
        ],
        "activities": [
            {
                "kind": e["trigger"],
                **{key: _iso(e[key]) for key in ("state", "actor", "at", "reason", "data")},
            }
            for e in file["timeline"]
            if e["kind"] == "activity"
        ],
        "background_effects": [
            fx for e in file["timeline"] if e["kind"] == "activity" for fx in e["effects"]
        ]
        + file["background"],
        "referrals": file.get("referrals", []),
        "reminders": file["reminders"],
        "procurement": file.get("procurement", []),
    }


@router.post("/families", status_code=201, summary="Register a family (opens its case)")
def register_family(request: Request, body: FamilyBody, staff: Staff = EDIT) -> JSONResponse:
    rt = runtime(request)
    command = forms.registration(values(body), actor=staff.username, today=today(rt))
    return _result(services.handle(rt, command), 201)


def _case_command(request: Request, reader: Any, body: Any, case_id: int, staff: Staff) -> Any:
    rt = runtime(request)
    return services.handle(rt, reader(values(body), case_id=case_id, actor=staff.username))


@router.post("/cases/{case_id}/assessments", status_code=201, summary="Record an assessment")
def record_assessment(
    request: Request, case_id: int, body: AssessmentBody, staff: Staff = EDIT
) -> JSONResponse:
    return _result(_case_command(request, forms.assessment, body, case_id, staff), 201)


@router.post("/cases/{case_id}/consents", status_code=201, summary="Record the family's consent")
def record_consent(
    request: Request, case_id: int, body: ConsentBody, staff: Staff = EDIT
) -> JSONResponse:
    return _result(_case_command(request, forms.consent, body, case_id, staff), 201)


@router.post("/cases/{case_id}/consents/withdrawal", summary="The family withdraws consent")
def withdraw_consent(
    request: Request, case_id: int, body: WithdrawalBody, staff: Staff = EDIT
) -> JSONResponse:
    """Answers which purposes were withdrawn, the state the case was closed from (null
    while it stays open) and the family's referrals still open with partners."""
    withdrawn = _case_command(request, forms.withdraw_consent, body, case_id, staff)
    return JSONResponse(
        {
            "case_id": withdrawn.case_id,
            "version": withdrawn.version,
            "purposes": list(withdrawn.purposes),
            "closed_from": withdrawn.closed_from,
            "open_referrals": [
                {"id": r.referral_id, "partner": r.partner, "status": r.status}
                for r in withdrawn.open_referrals
            ],
        }
    )


@router.post("/cases/{case_id}/consents/withdrawal/preview", summary="What a withdrawal would do")
def preview_withdrawal(
    request: Request, case_id: int, body: WithdrawalBody, staff: Staff = EDIT
) -> JSONResponse:
    """Nothing is written: whether the case would close, from which state, which purposes
    would be withdrawn and which referrals are still open with partners."""
    command = forms.withdraw_consent(values(body), case_id=case_id, actor=staff.username)
    preview = services.handle(runtime(request), PreviewWithdrawal(withdrawal=command))
    return JSONResponse(
        {
            "case_id": preview.case_id,
            "version": preview.version,
            "purposes": list(preview.purposes),
            "closes": preview.closes,
            "state": preview.state,
            "open_referrals": [
                {"id": r.referral_id, "partner": r.partner, "status": r.status}
                for r in preview.open_referrals
            ],
        }
    )


def _given(body: Any) -> dict[str, Any]:
    """Only what the client sent: a field left out is not changed."""
    return dict(body.model_dump(exclude_unset=True))


@router.patch("/cases/{case_id}/family", summary="Change the family's details")
def update_family(
    request: Request, case_id: int, body: FamilyChangesBody, staff: Staff = EDIT
) -> JSONResponse:
    command = household_forms.family_changes(
        _given(body), case_id=case_id, actor=staff.username, partial=True
    )
    return _result(services.handle(runtime(request), command))


@router.post("/cases/{case_id}/members", status_code=201, summary="Add a household member")
def add_member(
    request: Request, case_id: int, body: MemberBody, staff: Staff = EDIT
) -> JSONResponse:
    rt = runtime(request)
    command = household_forms.new_member(
        values(body), case_id=case_id, actor=staff.username, role=staff.role, today=today(rt)
    )
    return _result(services.handle(rt, command), 201)


@router.patch("/cases/{case_id}/members/{member_id}", summary="Correct a household member")
def correct_member(
    request: Request, case_id: int, member_id: int, body: MemberChangesBody, staff: Staff = EDIT
) -> JSONResponse:
    command = household_forms.member_changes(
        _given(body),
        case_id=case_id,
        member_id=member_id,
        actor=staff.username,
        role=staff.role,
        partial=True,
    )
    return _result(services.handle(runtime(request), command))


@router.post(
    "/cases/{case_id}/members/{member_id}/removal",
    summary="Remove a member from the household (kept in the file's history)",
)
def remove_member(
    request: Request, case_id: int, member_id: int, body: RemovalBody, staff: Staff = EDIT
) -> JSONResponse:
    command = household_forms.removal(
        values(body), case_id=case_id, member_id=member_id, actor=staff.username
    )
    return _result(services.handle(runtime(request), command))


@router.post("/cases/{case_id}/assignment", summary="Assign a social worker / psychologist")
def assign(
    request: Request, case_id: int, body: AssignmentBody, staff: Staff = EDIT
) -> JSONResponse:
    return _result(_case_command(request, forms.assignment, body, case_id, staff))


@router.post("/cases/{case_id}/services", status_code=201, summary="Plan a service")
def plan_service(
    request: Request, case_id: int, body: PlanBody, staff: Staff = EDIT
) -> JSONResponse:
    return _result(_case_command(request, forms.plan, body, case_id, staff), 201)


@router.post("/cases/{case_id}/income", status_code=201, summary="Record an income source")
def record_income(
    request: Request, case_id: int, body: IncomeBody, staff: Staff = EDIT
) -> JSONResponse:
    return _result(_case_command(request, forms.income, body, case_id, staff), 201)


@router.post("/cases/{case_id}/counselling", status_code=201, summary="Record counselling")
def record_counselling(
    request: Request, case_id: int, body: CounsellingBody, staff: Staff = COUNSEL
) -> JSONResponse:
    return _result(_case_command(request, forms.counselling, body, case_id, staff), 201)


@router.post("/services/{service_id}/start", summary="Start a planned service")
def start_service(request: Request, service_id: int, staff: Staff = EDIT) -> JSONResponse:
    command = forms.start({}, planned_service_id=service_id, actor=staff.username)
    return _result(services.handle(runtime(request), command))


@router.post("/services/{service_id}/deliveries", status_code=201, summary="Record a delivery")
def deliver(
    request: Request, service_id: int, body: DeliveryBody, staff: Staff = EDIT
) -> JSONResponse:
    command = forms.delivery(values(body), planned_service_id=service_id, actor=staff.username)
    return _result(services.handle(runtime(request), command), 201)


@router.post("/services/{service_id}/cancel", summary="Cancel a planned service")
def cancel(
    request: Request, service_id: int, body: CancelBody, staff: Staff = EDIT
) -> JSONResponse:
    command = forms.cancel(values(body), planned_service_id=service_id, actor=staff.username)
    return _result(services.handle(runtime(request), command))


@router.post("/cases/{case_id}/transitions", summary="Fire a transition (assess, enrol, ...)")
def advance(
    request: Request, case_id: int, body: TransitionBody, staff: Staff = VIEW
) -> JSONResponse:
    if not allowed(staff.role, case_step_permission(runtime(request), case_id, body.trigger)):
        raise Forbidden()
    command = forms.transition(
        values(body), case_id=case_id, trigger=body.trigger, actor=staff.username
    )
    event = services.handle(runtime(request), command)
    if isinstance(event, ApprovalRequested):
        # Accepted, not done: the step waits for its approvers (GET /api/v1/approvals).
        return JSONResponse(
            {
                "case_id": event.case_id,
                "approval_id": event.approval_id,
                "requested": event.trigger,
                "awaiting": event.awaiting,
                "tiers": list(event.tiers),
                "deadline_at": event.deadline_at.isoformat(),
            },
            status_code=202,
        )
    return _result(event)


@router.get(
    "/dashboard",
    summary="Cases per state and what waits: incidents, overdue reminders, referrals awaiting "
    "an answer, procurement awaiting approval",
    tags=["reports"],
)
def dashboard(request: Request, staff: Staff = LOGGED_IN) -> JSONResponse:
    # What the dashboard page shows this staff member, figure for figure: every role has
    # the page (a procurement officer too), so every role has this; null is a figure the
    # role does not see there.
    rt = runtime(request)
    figures = dashboard_figures(rt, staff)
    return JSONResponse(
        {
            "states": {bar.code: bar.value for bar in reporting.states(rt)},
            "my_open_cases": figures.pop("mine"),
            "open_incidents": figures.pop("incidents"),
            **figures,
        }
    )


@router.get(
    "/reports/{name}",
    summary="A report's figures, as its CSV: over a period with from and to (15.03.2024 or "
    "2024-03-15; to is today unless given), a wrong date a 422 naming its field",
    tags=["reports"],
)
def report(
    request: Request,
    name: str,
    date_from: str | None = Query(default=None, alias="from"),  # noqa: B008
    date_to: str | None = Query(default=None, alias="to"),  # noqa: B008
    staff: Staff = REPORTS,
) -> JSONResponse:
    producer = EXPORTS.get(name)
    if producer is None:
        raise NotFound(f"there is no report {name!r}; reports: {', '.join(EXPORTS)}")
    # Read as the reports page reads them (the parameters above are for the docs).
    query, period = report_period(request)
    query.check()
    rows = producer(programme_wide_runtime(request), period)  # counts of the whole programme
    return JSONResponse({"report": name, "rows": rows})


SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/api/v1/openapi.json"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/swagger-ui/init.js"></script>
</body>
</html>
"""


def docs_router(app: FastAPI) -> APIRouter:
    """OpenAPI schema and Swagger UI, behind the login like everything else."""
    docs = APIRouter(include_in_schema=False)

    @docs.get("/openapi.json")
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @docs.get("/docs")
    def swagger() -> HTMLResponse:
        # Every asset from the app itself (web/static/swagger-ui): no CDN, no external
        # favicon, no online validator badge, and no inline script (the CSP allows none).
        return HTMLResponse(SWAGGER_PAGE.format(title=html.escape(app.title)))

    return docs


__all__ = ["router", "docs_router", "Response"]
