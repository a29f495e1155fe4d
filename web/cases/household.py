"""Correcting a family's file in the browser: its details, adding, correcting and
removing household members, and withdrawing consent after a page that says what will
happen. Part of the family workflow's plug-in (``web.cases.family``).

As every case form: a refused form comes back with each problem beside its field and
what was typed kept (422); a possible duplicate comes back with the cases it may
duplicate and a box to confirm; a stale version comes back with what changed meanwhile
(409); a one-time token saves it once, however often it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from starlette.responses import Response

from web.cases import forms, household_forms
from web.cases.casework import case_header, done, show_form, show_stale_form
from web.cases.form_specs import CASE_FORMS
from web.cases.registration import possible_duplicates
from web.shared import forms as shared_forms
from web.shared import once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.lookups import today
from web.shared.permissions import Permission
from web.shared.plugins import CaseForm
from workflow import services
from workflow.errors import CaseNotFound, ConcurrentUpdate, InvalidInput
from workflow.programme import referrals as programme_referrals
from workflow.programme.families import (
    FamilyRow,
    MemberNotFound,
    MemberRow,
    PreviewWithdrawal,
    WithdrawalPreview,
    may_see,
)
from workflow.programme.shared.reference import reference
from workflow.programme.staff import CommunityRow
from workflow.runtime import Runtime

router = APIRouter(include_in_schema=False)
EDITS = Depends(require(Permission.EDIT_CASES))


FAMILY = CaseForm(
    "cases/forms/family_edit.html", Permission.EDIT_CASES, household_forms.family_changes, "family"
)
NEW_MEMBER = CaseForm(
    "cases/forms/member.html", Permission.EDIT_CASES, household_forms.new_member, "family"
)
MEMBER = CaseForm(
    "cases/forms/member.html", Permission.EDIT_CASES, household_forms.member_changes, "family"
)
REMOVAL = CaseForm(
    "cases/forms/member_remove.html", Permission.EDIT_CASES, household_forms.removal, "family"
)
WITHDRAWAL = CASE_FORMS["withdraw_consent"]
#: The withdrawal's second page: what it will do, and the button that does it.
WITHDRAWAL_CHECK = CaseForm(
    "cases/forms/withdraw_confirm.html", Permission.EDIT_CASES, WITHDRAWAL.read, "family"
)


def family_values(rt: Runtime, case_id: int) -> dict[str, Any]:
    """The family's details as the edit form starts with them."""
    with rt.session_factory() as session:
        family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
        if family is None:
            raise CaseNotFound(case_id)
        place = session.get(CommunityRow, family.community_id)
        return {
            "family_name": family.family_name,
            "community": place.code if place else "",
            "address": family.address,
            "phone": family.phone,
            "referral_partner_type": family.referral_partner_type,
            "referral_partner_name": family.referral_partner_name,
            "state_benefit": "on" if family.state_benefit else None,
        }


def member_of(rt: Runtime, case_id: int, member_id: int) -> dict[str, Any]:
    """A member of the case's household as it stands (a removed one is not found)."""
    with rt.session_factory() as session:
        row = session.scalar(
            select(MemberRow)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(
                FamilyRow.case_id == case_id,
                MemberRow.id == member_id,
                MemberRow.removed_at.is_(None),
            )
        )
        if row is None:
            raise MemberNotFound(case_id, member_id)
        return {
            "id": row.id,
            "role": row.role,
            "full_name": row.full_name,
            "date_of_birth": row.date_of_birth,
            "disability": row.disability,
            "health_notes": row.health_notes,
        }


def member_values(member: dict[str, Any], role: str) -> dict[str, Any]:
    """What the correction form starts with: the sensitive fields only for a reader who
    may read them (the others' form has no such field, so nothing is wiped)."""
    values = {key: member[key] for key in ("role", "full_name", "date_of_birth")}
    if may_see("disability", role):
        values["disability"] = "on" if member["disability"] else None
    if may_see("health_notes", role):
        values["health_notes"] = member["health_notes"]
    return values


def _extra(staff: Staff, **more: Any) -> dict[str, Any]:
    return {
        "duplicates": [],
        "sees_disability": may_see("disability", staff.role),
        "sees_health": may_see("health_notes", staff.role),
        **more,
    }


def _show(
    request: Request,
    spec: CaseForm,
    case_id: int,
    staff: Staff,
    values: dict[str, Any],
    **more: Any,
) -> Response:
    rt = runtime(request)
    case = case_header(rt, case_id)
    values = {"expected_version": case["version"], **values}
    return show_form(
        request, spec, case=case, staff=staff, values=values, extra=_extra(staff, **more)
    )


def _save(
    request: Request,
    spec: CaseForm,
    case_id: int,
    staff: Staff,
    values: dict[str, Any],
    command: Callable[[], Any],
    *,
    notice: str = "saved",
    **more: Any,
) -> Response:
    rt = runtime(request)

    def save() -> Response:
        try:
            services.handle(rt, command())
        except ConcurrentUpdate as exc:
            return show_stale_form(
                request,
                spec,
                values=values,
                staff=staff,
                exc=exc,
                case_id=case_id,
                extra=_extra(staff, **more),
            )
        except InvalidInput as exc:
            return show_form(
                request,
                spec,
                case=case_header(rt, case_id),
                staff=staff,
                values=values,
                error=exc,
                extra=_extra(staff, duplicates=possible_duplicates(rt, exc), **more),
            )
        return done(case_id, spec.anchor, notice)

    return once.submit_once(rt, staff, values, save, fallback=f"/cases/{case_id}#family")


@router.get("/cases/{case_id}/family/edit")
def edit_family(request: Request, case_id: int, staff: Staff = EDITS) -> Response:
    return _show(request, FAMILY, case_id, staff, family_values(runtime(request), case_id))


@router.post("/cases/{case_id}/family/edit")
async def save_family(request: Request, case_id: int, staff: Staff = EDITS) -> Response:
    values = shared_forms.form_values(await request.form())
    return _save(
        request,
        FAMILY,
        case_id,
        staff,
        values,
        lambda: FAMILY.read(values, case_id=case_id, actor=staff.username),
    )


@router.get("/cases/{case_id}/members/new")
def add_member_form(request: Request, case_id: int, staff: Staff = EDITS) -> Response:
    return _show(request, NEW_MEMBER, case_id, staff, {}, member=None)


@router.post("/cases/{case_id}/members/new")
async def add_member(request: Request, case_id: int, staff: Staff = EDITS) -> Response:
    rt = runtime(request)
    values = shared_forms.form_values(await request.form())
    return _save(
        request,
        NEW_MEMBER,
        case_id,
        staff,
        values,
        lambda: NEW_MEMBER.read(
            values, case_id=case_id, actor=staff.username, role=staff.role, today=today(rt)
        ),
        member=None,
    )


@router.get("/cases/{case_id}/members/{member_id}/edit")
def correct_member_form(
    request: Request, case_id: int, member_id: int, staff: Staff = EDITS
) -> Response:
    member = member_of(runtime(request), case_id, member_id)
    return _show(request, MEMBER, case_id, staff, member_values(member, staff.role), member=member)


@router.post("/cases/{case_id}/members/{member_id}/edit")
async def correct_member(
    request: Request, case_id: int, member_id: int, staff: Staff = EDITS
) -> Response:
    member = member_of(runtime(request), case_id, member_id)
    values = shared_forms.form_values(await request.form())
    return _save(
        request,
        MEMBER,
        case_id,
        staff,
        values,
        lambda: MEMBER.read(
            values, case_id=case_id, member_id=member_id, actor=staff.username, role=staff.role
        ),
        member=member,
    )


@router.get("/cases/{case_id}/members/{member_id}/remove")
def remove_member_form(
    request: Request, case_id: int, member_id: int, staff: Staff = EDITS
) -> Response:
    member = member_of(runtime(request), case_id, member_id)
    return _show(request, REMOVAL, case_id, staff, {}, member=member)


@router.post("/cases/{case_id}/members/{member_id}/remove")
async def remove_member(
    request: Request, case_id: int, member_id: int, staff: Staff = EDITS
) -> Response:
    member = member_of(runtime(request), case_id, member_id)
    values = shared_forms.form_values(await request.form())
    return _save(
        request,
        REMOVAL,
        case_id,
        staff,
        values,
        lambda: REMOVAL.read(values, case_id=case_id, member_id=member_id, actor=staff.username),
        member=member,
    )


@router.post("/cases/{case_id}/consent/withdrawal/check")
async def check_withdrawal(request: Request, case_id: int, staff: Staff = EDITS) -> Response:
    """The withdrawal form's first step: what it will do (the case closes? which
    referrals are still open?), nothing written. The page's button sends the same values,
    its one-time token among them, to the form's own address, which withdraws."""
    rt = runtime(request)
    values = shared_forms.form_values(await request.form())
    try:
        command = forms.withdraw_consent(values, case_id=case_id, actor=staff.username)
        preview = services.handle(rt, PreviewWithdrawal(withdrawal=command))
    except ConcurrentUpdate as exc:
        return show_stale_form(
            request, WITHDRAWAL, values=values, staff=staff, exc=exc, case_id=case_id
        )
    except InvalidInput as exc:
        return show_form(
            request,
            WITHDRAWAL,
            case=case_header(rt, case_id),
            staff=staff,
            values=values,
            error=exc,
        )
    assert isinstance(preview, WithdrawalPreview)
    case = case_header(rt, case_id)
    return show_form(
        request,
        WITHDRAWAL_CHECK,
        case=case,
        staff=staff,
        values=values,
        extra={
            "preview": preview,
            "purpose_items": [
                i for i in reference().consent_purposes if i.code in preview.purposes
            ],
            "chosen": _chosen(values),
            "partner_names": {
                p["code"]: {"hy": p["name_hy"], "en": p["name_en"]}
                for p in programme_referrals.list_partners(rt)
            },
        },
    )


def _chosen(values: dict[str, Any]) -> list[str]:
    purposes = values.get("purposes") or []
    return [purposes] if isinstance(purposes, str) else list(purposes)


@router.post("/cases/{case_id}/consent/withdrawal/back")
async def change_withdrawal(request: Request, case_id: int, staff: Staff = EDITS) -> Response:
    """From the page that said what will happen back to the form, as it was typed."""
    rt = runtime(request)
    values = shared_forms.form_values(await request.form())
    values["purposes"] = _chosen(values)
    return show_form(request, WITHDRAWAL, case=case_header(rt, case_id), staff=staff, values=values)
