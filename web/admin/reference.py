"""The programme's reference data in the browser (admins and managers): partner
organisations (add, correct, deactivate; their mail's address and language), communities
(add, rename, deactivate), and, read only, what is configuration rather than rows: the
transitions that refer families to a partner, the budget lines and the per-family ceiling.
Each form calls the service the CLI calls (``hogatar partner ...``, ``hogatar community
...``); each change is in the admin history.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from web.admin import forms as admin_forms
from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.messages import message
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput, NotFound
from workflow.programme.documents import document_rules
from workflow.programme.referrals import (
    AddPartner,
    DeactivatePartner,
    EditPartner,
    list_partners,
    referring_triggers,
)
from workflow.programme.shared.policies import policies
from workflow.programme.shared.reference import reference
from workflow.programme.staff import (
    AddCommunity,
    DeactivateCommunity,
    RenameCommunity,
    all_communities,
)

router = APIRouter(include_in_schema=False)
MANAGE = Depends(require(Permission.MANAGE_REFERENCE))
PARTNER_FIELDS = ("type", "name_hy", "name_en", "email", "language")


def _refusal(exc: InvalidInput, field: str) -> tuple[dict[str, list[str]], str]:
    top = admin_forms.top_message(exc)
    return admin_forms.admin_errors(exc) or {field: [top]}, top


# Partners.


def _partner(request: Request, code: str) -> dict[str, Any]:
    for partner in list_partners(runtime(request)):
        if partner["code"] == code:
            return {**partner, "refer_on": referring_triggers(code)}
    raise NotFound(f"no partner with the code {code!r}")


@router.get("/admin/partners")
def partners(request: Request, staff: Staff = MANAGE) -> Response:
    listed = [
        {**p, "refer_on": referring_triggers(p["code"])} for p in list_partners(runtime(request))
    ]
    context = {
        "partners": listed,
        "language_name": admin_forms.language_name,
        "notice": message(request.query_params.get("msg")),
    }
    return render(request, "admin/partners.html", context)


def _partner_form(
    request: Request,
    *,
    partner: dict[str, Any] | None,
    values: dict[str, Any],
    error: InvalidInput | None = None,
) -> Response:
    errors, top = _refusal(error, "code") if error else ({}, None)
    context = {
        "partner": partner,
        "values": values,
        "types": reference().partner_types,
        "languages": admin_forms.language_options(),
        "errors": errors,
        "error": top,
        "notice": message(request.query_params.get("msg")),
    }
    return render(request, "admin/partner.html", context, status_code=422 if error else 200)


@router.get("/admin/partners/new")
def new_partner(request: Request, staff: Staff = MANAGE) -> Response:
    return _partner_form(request, partner=None, values={"language": "hy"})


@router.post("/admin/partners")
async def add_partner(request: Request, staff: Staff = MANAGE) -> Response:
    rt = runtime(request)
    values = forms.form_values(await request.form())

    def save() -> Response:
        code = admin_forms.text(values, "code").strip()
        try:
            services.handle(
                rt,
                AddPartner(
                    code=code,
                    actor=staff.username,
                    **{name: admin_forms.text(values, name) for name in PARTNER_FIELDS},
                ),
            )
        except InvalidInput as exc:
            return _partner_form(request, partner=None, values=values, error=exc)
        return RedirectResponse(f"/admin/partners/{code}?msg=saved", status_code=303)

    return once.submit_once(rt, staff, values, save, fallback="/admin/partners")


@router.get("/admin/partners/{code}")
def partner_page(request: Request, code: str, staff: Staff = MANAGE) -> Response:
    partner = _partner(request, code)
    return _partner_form(request, partner=partner, values=dict(partner))


@router.post("/admin/partners/{code}")
async def edit_partner(request: Request, code: str, staff: Staff = MANAGE) -> Response:
    rt = runtime(request)
    partner = _partner(request, code)
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            services.handle(
                rt,
                EditPartner(
                    code=code,
                    actor=staff.username,
                    **{name: admin_forms.text(values, name) for name in PARTNER_FIELDS},
                ),
            )
        except InvalidInput as exc:
            return _partner_form(request, partner=partner, values=values, error=exc)
        return RedirectResponse(f"/admin/partners/{code}?msg=saved", status_code=303)

    return once.submit_once(rt, staff, values, save, fallback=f"/admin/partners/{code}")


@router.post("/admin/partners/{code}/deactivate")
async def deactivate_partner(request: Request, code: str, staff: Staff = MANAGE) -> Response:
    rt = runtime(request)
    _partner(request, code)
    values = forms.form_values(await request.form())

    def save() -> Response:
        services.handle(rt, DeactivatePartner(code=code, actor=staff.username))
        return RedirectResponse("/admin/partners?msg=saved", status_code=303)

    return once.submit_once(rt, staff, values, save, fallback="/admin/partners")


# Communities.


def _communities_page(
    request: Request,
    *,
    values: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
) -> Response:
    errors, top = _refusal(error, "code") if error else ({}, None)
    context = {
        "communities": all_communities(runtime(request)),
        "values": values or {},
        "errors": errors,
        "error": top,
        "notice": message(request.query_params.get("msg")),
    }
    return render(request, "admin/communities.html", context, status_code=422 if error else 200)


@router.get("/admin/communities")
def communities(request: Request, staff: Staff = MANAGE) -> Response:
    return _communities_page(request)


@router.post("/admin/communities")
async def add_community(request: Request, staff: Staff = MANAGE) -> Response:
    rt = runtime(request)
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            services.handle(
                rt,
                AddCommunity(
                    code=admin_forms.text(values, "code"),
                    name_hy=admin_forms.text(values, "name_hy"),
                    name_en=admin_forms.text(values, "name_en"),
                    actor=staff.username,
                ),
            )
        except InvalidInput as exc:
            return _communities_page(request, values=values, error=exc)
        return RedirectResponse("/admin/communities?msg=saved", status_code=303)

    return once.submit_once(rt, staff, values, save, fallback="/admin/communities")


def _community(request: Request, code: str) -> dict[str, Any]:
    for row in all_communities(runtime(request)):
        if row["code"] == code:
            return row
    raise NotFound(f"no community with the code {code!r}")


def _community_form(
    request: Request,
    community: dict[str, Any],
    values: dict[str, Any],
    error: InvalidInput | None = None,
) -> Response:
    errors, top = _refusal(error, "name_hy") if error else ({}, None)
    context = {"community": community, "values": values, "errors": errors, "error": top}
    return render(request, "admin/community.html", context, status_code=422 if error else 200)


@router.get("/admin/communities/{code}")
def community_page(request: Request, code: str, staff: Staff = MANAGE) -> Response:
    row = _community(request, code)
    return _community_form(request, row, {"name_hy": row["hy"], "name_en": row["en"]})


@router.post("/admin/communities/{code}")
async def rename_community(request: Request, code: str, staff: Staff = MANAGE) -> Response:
    rt = runtime(request)
    row = _community(request, code)
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            services.handle(
                rt,
                RenameCommunity(
                    code=code,
                    name_hy=admin_forms.text(values, "name_hy"),
                    name_en=admin_forms.text(values, "name_en"),
                    actor=staff.username,
                ),
            )
        except InvalidInput as exc:
            return _community_form(request, row, values, exc)
        return RedirectResponse("/admin/communities?msg=saved", status_code=303)

    return once.submit_once(rt, staff, values, save, fallback="/admin/communities")


@router.post("/admin/communities/{code}/deactivate")
async def deactivate_community(request: Request, code: str, staff: Staff = MANAGE) -> Response:
    rt = runtime(request)
    _community(request, code)
    values = forms.form_values(await request.form())

    def save() -> Response:
        services.handle(rt, DeactivateCommunity(code=code, actor=staff.username))
        return RedirectResponse("/admin/communities?msg=saved", status_code=303)

    return once.submit_once(rt, staff, values, save, fallback="/admin/communities")


# Configuration, read only.


@router.get("/admin/programme")
def programme(request: Request, staff: Staff = MANAGE) -> Response:
    """The budget lines and the per-family ceiling (config/programme/effects.toml) and the
    document kinds (config/programme/documents.toml): configuration, read at start-up,
    shown with where to change them."""
    rules = policies()
    documents = document_rules()
    context = {
        "budget_lines": list(rules.budget_lines.values()),
        "ceiling": rules.per_family_ceiling_amd,
        "document_kinds": documents.kinds,
        "sensitive_readers": sorted(documents.sensitive_readers),
    }
    return render(request, "admin/programme.html", context)
