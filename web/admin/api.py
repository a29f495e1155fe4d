"""The JSON API of the administration, calling the services the pages and the CLI call:
staff (list, add, role, communities, deactivate, reset password), partners (list, add,
correct, deactivate), communities (list, add, rename, deactivate) and the admin history.
Who may do what is as on the pages (admins; managers for partners and communities).
Refusals are problem details naming the field (422); the last admin's refusal too.

A reset password answers the temporary password or the link once, in its body: the
caller hands it over, as an admin does from the page."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from web.shared import passwords
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from workflow import services
from workflow.errors import NotFound
from workflow.programme.administration import HistoryFilter, recorded_changes
from workflow.programme.referrals import (
    AddPartner,
    DeactivatePartner,
    EditPartner,
    list_partners,
    referring_triggers,
)
from workflow.programme.shared.values import FieldProblem, Problems
from workflow.programme.staff import (
    AddCommunity,
    AddStaff,
    DeactivateCommunity,
    DeactivateStaff,
    RenameCommunity,
    SetStaffCommunities,
    SetStaffRole,
    all_communities,
    list_staff,
)

router = APIRouter()
ADMINISTER = Depends(require(Permission.ADMINISTER))
MANAGE = Depends(require(Permission.MANAGE_REFERENCE))
ADMIN: list[str | Enum] = ["administration"]


class NewStaff(BaseModel):
    username: str = Field(examples=["lilit.g"])
    full_name: str = Field(examples=["Լիլիթ Գրիգորյան"])
    role: str = Field(examples=["social_worker"])
    language: str = "hy"
    email: str | None = None
    phone: str | None = None
    communities: list[str] = Field(default_factory=list, examples=[["hrazdan"]])


class Role(BaseModel):
    role: str = Field(examples=["manager"])


class Communities(BaseModel):
    communities: list[str] = Field(examples=[["hrazdan", "abovyan"]])


class PasswordReset(BaseModel):
    how: str = Field(description="temporary or link", examples=["temporary"])


class Partner(BaseModel):
    type: str | None = Field(default=None, examples=["ngo"])
    name_hy: str | None = None
    name_en: str | None = None
    email: str | None = Field(default=None, examples=["info@partner.example"])
    language: str | None = Field(default=None, examples=["hy"])


class NewPartner(Partner):
    code: str = Field(examples=["ngo_garni"])


class Community(BaseModel):
    name_hy: str
    name_en: str


class NewCommunity(Community):
    code: str = Field(examples=["nor_geghi"])


def _member(request: Request, username: str) -> dict[str, Any]:
    wanted = username.strip().casefold()
    for member in list_staff(runtime(request), include_inactive=True):
        if member["username"] == wanted:
            return member
    raise NotFound(f"no staff member with the username {wanted!r}")


@router.get("/admin/staff", tags=ADMIN, summary="Every staff member, active or not")
def staff_list(request: Request, staff: Staff = ADMINISTER) -> JSONResponse:
    return JSONResponse(list_staff(runtime(request), include_inactive=True))


@router.post("/admin/staff", status_code=201, tags=ADMIN, summary="Add a staff member")
def add_staff(request: Request, body: NewStaff, staff: Staff = ADMINISTER) -> JSONResponse:
    command = AddStaff(
        **body.model_dump(exclude={"communities"}),
        communities=tuple(body.communities),
        actor=staff.username,
    )
    services.handle(runtime(request), command)
    return JSONResponse(_member(request, body.username), status_code=201)


@router.post("/admin/staff/{username}/role", tags=ADMIN, summary="Change a staff member's role")
def change_role(
    request: Request, username: str, body: Role, staff: Staff = ADMINISTER
) -> JSONResponse:
    command = SetStaffRole(username=username, role=body.role, actor=staff.username)
    services.handle(runtime(request), command)
    return JSONResponse(_member(request, username))


@router.post("/admin/staff/{username}/communities", tags=ADMIN, summary="Set their communities")
def change_communities(
    request: Request, username: str, body: Communities, staff: Staff = ADMINISTER
) -> JSONResponse:
    command = SetStaffCommunities(
        username=username, communities=tuple(body.communities), actor=staff.username
    )
    services.handle(runtime(request), command)
    return JSONResponse(_member(request, username))


@router.post("/admin/staff/{username}/deactivate", tags=ADMIN, summary="Deactivate them")
def deactivate(request: Request, username: str, staff: Staff = ADMINISTER) -> JSONResponse:
    services.handle(runtime(request), DeactivateStaff(username=username, actor=staff.username))
    return JSONResponse(_member(request, username))


@router.post(
    "/admin/staff/{username}/password",
    tags=ADMIN,
    summary="Reset a password: a temporary one, or a one-time link (answered once)",
)
def reset_password(
    request: Request, username: str, body: PasswordReset, staff: Staff = ADMINISTER
) -> JSONResponse:
    rt = runtime(request)
    if body.how == "temporary":
        member, password = passwords.give_temporary_password(
            rt, username=username, actor=staff.username
        )
        return JSONResponse({"username": member.username, "temporary_password": password})
    if body.how == "link":
        made = passwords.give_reset_link(rt, username=username, actor=staff.username)
        return JSONResponse(
            {
                "username": made.username,
                "link": str(request.base_url).rstrip("/") + made.path,
                "expires_at": made.expires_at.isoformat(),
            }
        )
    raise Problems([FieldProblem("how", "is not one of: temporary, link")])


@router.get("/admin/partners", tags=ADMIN, summary="Partner organisations")
def partners(request: Request, staff: Staff = MANAGE) -> JSONResponse:
    return JSONResponse(
        [{**p, "refer_on": referring_triggers(p["code"])} for p in list_partners(runtime(request))]
    )


def _partner(request: Request, code: str) -> dict[str, Any]:
    for partner in list_partners(runtime(request)):
        if partner["code"] == code:
            return {**partner, "refer_on": referring_triggers(code)}
    raise NotFound(f"no partner with the code {code!r}")


@router.post("/admin/partners", status_code=201, tags=ADMIN, summary="Add a partner")
def add_partner(request: Request, body: NewPartner, staff: Staff = MANAGE) -> JSONResponse:
    fields = {name: value or "" for name, value in body.model_dump(exclude={"code"}).items()}
    fields["language"] = fields["language"] or "hy"
    services.handle(runtime(request), AddPartner(code=body.code, actor=staff.username, **fields))
    return JSONResponse(_partner(request, body.code.strip()), status_code=201)


@router.post(
    "/admin/partners/{code}", tags=ADMIN, summary="Correct a partner (what is not sent stays)"
)
def edit_partner(request: Request, code: str, body: Partner, staff: Staff = MANAGE) -> JSONResponse:
    _partner(request, code)
    services.handle(
        runtime(request), EditPartner(code=code, actor=staff.username, **body.model_dump())
    )
    return JSONResponse(_partner(request, code))


@router.post("/admin/partners/{code}/deactivate", tags=ADMIN, summary="Deactivate a partner")
def deactivate_partner(request: Request, code: str, staff: Staff = MANAGE) -> JSONResponse:
    _partner(request, code)
    services.handle(runtime(request), DeactivatePartner(code=code, actor=staff.username))
    return JSONResponse(_partner(request, code))


def _community(request: Request, code: str) -> dict[str, Any]:
    for row in all_communities(runtime(request)):
        if row["code"] == code:
            return row
    raise NotFound(f"no community with the code {code!r}")


@router.get("/admin/communities", tags=ADMIN, summary="Every community, active or not")
def communities(request: Request, staff: Staff = MANAGE) -> JSONResponse:
    return JSONResponse(all_communities(runtime(request)))


@router.post("/admin/communities", status_code=201, tags=ADMIN, summary="Add a community")
def add_community(request: Request, body: NewCommunity, staff: Staff = MANAGE) -> JSONResponse:
    services.handle(runtime(request), AddCommunity(**body.model_dump(), actor=staff.username))
    return JSONResponse(_community(request, body.code.strip().casefold()), status_code=201)


@router.post("/admin/communities/{code}", tags=ADMIN, summary="Rename a community")
def rename_community(
    request: Request, code: str, body: Community, staff: Staff = MANAGE
) -> JSONResponse:
    _community(request, code)
    command = RenameCommunity(code=code, **body.model_dump(), actor=staff.username)
    services.handle(runtime(request), command)
    return JSONResponse(_community(request, code))


@router.post("/admin/communities/{code}/deactivate", tags=ADMIN, summary="Deactivate one")
def deactivate_community(request: Request, code: str, staff: Staff = MANAGE) -> JSONResponse:
    _community(request, code)
    services.handle(runtime(request), DeactivateCommunity(code=code, actor=staff.username))
    return JSONResponse(_community(request, code))


@router.get(
    "/admin/history",
    tags=ADMIN,
    summary="The admin history, newest first, 50 a page (filters: area, subject, actor)",
)
def history(
    request: Request,
    area: str | None = None,
    subject: str | None = None,
    actor: str | None = None,
    page: int = 1,
    staff: Staff = ADMINISTER,
) -> JSONResponse:
    wanted = HistoryFilter(area=area, subject=subject, actor=actor, page=max(page, 1))
    changes, total = recorded_changes(runtime(request), wanted)
    return JSONResponse(
        {
            "total": total,
            "page": wanted.page,
            "changes": [{**c, "at": c["at"].isoformat()} for c in changes],
        }
    )
