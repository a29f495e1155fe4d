"""Staff accounts in the browser (admins only): the list, adding a colleague, their role,
communities and contact, deactivating them, and resetting their password by a temporary
password or a one-time link. Each form calls the service the CLI calls
(``hogatar staff ...``, ``hogatar web reset-password``); each change is in the history.

A refused form comes back (422) with each problem beside its field and what was typed
kept. A temporary password or a link is shown once, on the page that answers the form,
never put in an address.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from web.admin import forms as admin_forms
from web.shared import forms, once, passwords
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.messages import message
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput, NotFound
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Collector, FieldProblem, Problems
from workflow.programme.staff import (
    AddStaff,
    DeactivateStaff,
    SetStaffCommunities,
    SetStaffContact,
    SetStaffRole,
    list_communities,
    list_staff,
)

router = APIRouter(include_in_schema=False)
ADMINISTER = Depends(require(Permission.ADMINISTER))
#: How a new colleague gets their first password (the add form's choice).
FIRST_PASSWORD = ("temporary", "link", "later")


def _values(form: FormData) -> dict[str, Any]:
    values = forms.form_values(form)
    values["communities"] = [v for v in form.getlist("communities") if isinstance(v, str)]
    return values


def _choices(request: Request) -> dict[str, Any]:
    return {
        "roles": reference().staff_roles,
        "communities": list_communities(runtime(request)),
        "languages": admin_forms.language_options(),
    }


def _member(request: Request, username: str) -> dict[str, Any]:
    wanted = username.strip().casefold()
    for member in list_staff(runtime(request), include_inactive=True):
        if member["username"] == wanted:
            return member
    raise NotFound(f"no staff member with the username {wanted!r}")


@router.get("/admin")
def staff_list(request: Request, staff: Staff = ADMINISTER) -> Response:
    everyone = list_staff(runtime(request), include_inactive=True)
    context = {
        "staff": everyone,
        "community_names": admin_forms.community_names(runtime(request)),
        "notice": message(request.query_params.get("msg")),
    }
    return render(request, "admin/staff_list.html", context)


def _new_form(
    request: Request, values: dict[str, Any], error: InvalidInput | None = None
) -> Response:
    context = {
        **_choices(request),
        "values": values,
        "first_passwords": FIRST_PASSWORD,
        "errors": admin_forms.admin_errors(error) if error else {},
        "error": admin_forms.top_message(error) if error else None,
    }
    if error is not None and not context["errors"]:
        context["errors"] = {"username": [context["error"]]}
    return render(request, "admin/staff_new.html", context, status_code=422 if error else 200)


@router.get("/admin/staff/new")
def new_staff(request: Request, staff: Staff = ADMINISTER) -> Response:
    values = {"language": "hy", "role": "social_worker", "password": "temporary"}
    return _new_form(request, values)


@router.post("/admin/staff")
async def add_staff(request: Request, staff: Staff = ADMINISTER) -> Response:
    rt = runtime(request)
    values = _values(await request.form())
    first = admin_forms.text(values, "password")
    try:
        if first not in FIRST_PASSWORD:
            problems = Collector()
            problems.add("password", "is not one of the options offered")
            problems.check()
        event = services.handle(
            rt,
            AddStaff(
                username=admin_forms.text(values, "username"),
                full_name=admin_forms.text(values, "full_name"),
                role=admin_forms.text(values, "role"),
                language=admin_forms.text(values, "language"),
                email=admin_forms.optional(values, "email"),
                phone=admin_forms.optional(values, "phone"),
                communities=admin_forms.chosen(values, "communities"),
                actor=staff.username,
            ),
        )
    except InvalidInput as exc:
        return _new_form(request, values, exc)
    username = event.username
    if first == "later":
        return RedirectResponse(f"/admin/staff/{username}?msg=saved", status_code=303)
    return _give_password(request, staff, username, first, added=True)


def _give_password(
    request: Request, staff: Staff, username: str, how: str, *, added: bool = False
) -> Response:
    """The page that shows the temporary password or the link, once."""
    rt = runtime(request)
    context: dict[str, Any] = {"member": _member(request, username), "added": added}
    if how == "temporary":
        _, password = passwords.give_temporary_password(rt, username=username, actor=staff.username)
        context.update(password=password, link=None, expires_at=None)
    else:
        made = passwords.give_reset_link(rt, username=username, actor=staff.username)
        link = str(request.base_url).rstrip("/") + made.path
        context.update(password=None, link=link, expires_at=made.expires_at)
    return render(request, "admin/password_given.html", context)


def _member_page(
    request: Request,
    username: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    error: str | None = None,
) -> Response:
    member = _member(request, username)
    shown = {
        "role": member["role"],
        "communities": member["communities"],
        "email": member["email"] or "",
        "phone": member["phone"] or "",
        **(values or {}),
    }
    context = {
        **_choices(request),
        "member": member,
        "values": shown,
        "errors": errors or {},
        "error": error,
        "notice": message(request.query_params.get("msg")),
    }
    return render(request, "admin/staff.html", context, status_code=422 if error else 200)


@router.get("/admin/staff/{username}")
def member_page(request: Request, username: str, staff: Staff = ADMINISTER) -> Response:
    return _member_page(request, username)


def _refused(
    request: Request, username: str, values: dict[str, Any], exc: InvalidInput, field: str
) -> Response:
    errors = admin_forms.admin_errors(exc) or {field: [admin_forms.top_message(exc)]}
    return _member_page(
        request, username, values=values, errors=errors, error=admin_forms.top_message(exc)
    )


def _change(
    request: Request,
    staff: Staff,
    username: str,
    values: dict[str, Any],
    command: Any,
    field: str,
) -> Response:
    rt = runtime(request)

    def save() -> Response:
        try:
            services.handle(rt, command)
        except InvalidInput as exc:
            return _refused(request, username, values, exc, field)
        return RedirectResponse(f"/admin/staff/{username}?msg=saved", status_code=303)

    return once.submit_once(rt, staff, values, save, fallback=f"/admin/staff/{username}")


@router.post("/admin/staff/{username}/role")
async def change_role(request: Request, username: str, staff: Staff = ADMINISTER) -> Response:
    values = _values(await request.form())
    command = SetStaffRole(
        username=username, role=admin_forms.text(values, "role"), actor=staff.username
    )
    return _change(request, staff, username, values, command, "role")


@router.post("/admin/staff/{username}/communities")
async def change_communities(
    request: Request, username: str, staff: Staff = ADMINISTER
) -> Response:
    values = _values(await request.form())
    command = SetStaffCommunities(
        username=username,
        communities=admin_forms.chosen(values, "communities"),
        actor=staff.username,
    )
    return _change(request, staff, username, values, command, "communities")


@router.post("/admin/staff/{username}/contact")
async def change_contact(request: Request, username: str, staff: Staff = ADMINISTER) -> Response:
    values = _values(await request.form())
    command = SetStaffContact(
        username=username,
        phone=admin_forms.optional(values, "phone"),
        email=admin_forms.optional(values, "email"),
        actor=staff.username,
    )
    return _change(request, staff, username, values, command, "contact")


@router.post("/admin/staff/{username}/deactivate")
async def deactivate(request: Request, username: str, staff: Staff = ADMINISTER) -> Response:
    values = _values(await request.form())
    command = DeactivateStaff(username=username, actor=staff.username)
    return _change(request, staff, username, values, command, "deactivate")


@router.post("/admin/staff/{username}/password")
async def reset_password(request: Request, username: str, staff: Staff = ADMINISTER) -> Response:
    values = _values(await request.form())
    how = admin_forms.text(values, "how")
    if how not in ("temporary", "link"):
        exc = Problems([FieldProblem("password", "is not one of the options offered")])
        return _refused(request, username, values, exc, "password")
    try:
        return _give_password(request, staff, _member(request, username)["username"], how)
    except InvalidInput as exc:  # an inactive member has no password to reset
        return _refused(request, username, values, exc, "password")
