"""Read side of a family's case file (the family view gathers what every case-file feature
holds) and the family search: plain dictionaries for the CLI (--json), the web app, the
export and tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflow.errors import CaseNotFound, InvalidInput
from workflow.persistence.models import CaseRow
from workflow.programme.assessment import AssessmentRow
from workflow.programme.counselling import CounsellingParticipantRow, CounsellingSessionRow
from workflow.programme.families.models import ConsentRow, FamilyRow, MemberRow
from workflow.programme.families.registration import family_of
from workflow.programme.plans import DeliveryRow, IncomeSourceRow, PlannedServiceRow
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime
from workflow.text import name_key, search_key


def _usernames(session: Session) -> dict[int, str]:
    return {row.id: row.username for row in session.execute(select(StaffRow.id, StaffRow.username))}


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def family_view(rt: Runtime, *, case_id: int) -> dict[str, Any]:
    """Everything on a family's file: household, consent, assessments, plan, sessions."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        family = family_of(session, case_id)
        staff = _usernames(session)
        place = session.get(CommunityRow, family.community_id)
        assert place is not None  # foreign key
        return {
            "case_id": case.id,
            "state": case.state,
            "version": case.version,
            "family_id": family.id,
            "family_name": family.family_name,
            "community": {"code": place.code, "hy": place.name_hy, "en": place.name_en},
            "address": family.address,
            "phone": family.phone,
            "referral": {
                "partner_type": family.referral_partner_type,
                "partner_name": family.referral_partner_name,
            },
            "state_benefit": family.state_benefit,
            "social_worker": staff.get(family.social_worker_id or 0),
            "psychologist": staff.get(family.psychologist_id or 0),
            "members": _members(session, family.id),
            # Removed members: no longer in the household, still in the file's history.
            "removed_members": _members(session, family.id, removed=True),
            "consents": _consents(session, case_id),
            "assessments": _assessments(session, case_id, staff),
            "services": _services(session, case_id, staff),
            "counselling": _counselling(session, case_id, staff),
            "income_sources": [
                {
                    "id": row.id,
                    "kind": row.kind,
                    "started_on": _day(row.started_on),
                    "description": row.description,
                    "monthly_amount_amd": row.monthly_amount_amd,
                }
                for row in session.scalars(
                    select(IncomeSourceRow)
                    .where(IncomeSourceRow.case_id == case_id)
                    .order_by(IncomeSourceRow.id)
                )
            ],
        }


def _members(session: Session, family_id: int, *, removed: bool = False) -> list[dict[str, Any]]:
    gone = MemberRow.removed_at.is_not(None) if removed else MemberRow.removed_at.is_(None)
    rows = session.scalars(
        select(MemberRow).where(MemberRow.family_id == family_id, gone).order_by(MemberRow.id)
    )
    members = []
    for row in rows:
        member: dict[str, Any] = {
            "id": row.id,
            "role": row.role,
            "full_name": row.full_name,
            "date_of_birth": _day(row.date_of_birth),
            "disability": row.disability,
            "health_notes": row.health_notes,
        }
        if removed:
            member["removed_at"] = row.removed_at.isoformat() if row.removed_at else None
            member["removed_by"] = row.removed_by
            member["removal_reason"] = row.removal_reason
        members.append(member)
    return members


def household_member(rt: Runtime, case_id: int, given: str) -> int:
    """The id of the case's household member named ``given`` (full name, any case, or
    the member's id); refused naming the household when no one matches."""
    with rt.session_factory() as session:
        members = session.execute(
            select(MemberRow.id, MemberRow.full_name)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(FamilyRow.case_id == case_id, MemberRow.removed_at.is_(None))
            .order_by(MemberRow.id)
        ).all()
    wanted = name_key(given)
    for member_id, full_name in members:
        if given.strip() == str(member_id) or name_key(full_name) == wanted:
            return int(member_id)
    household = ", ".join(f"{full_name} (#{member_id})" for member_id, full_name in members)
    raise InvalidInput(
        f"given_by: {given!r} is not a member of case {case_id}'s household "
        f"({household or 'no household'}); a guardian or representative goes in --given-by-name"
    )


def _consents(session: Session, case_id: int) -> list[dict[str, Any]]:
    names: dict[int, str] = {
        member_id: full_name
        for member_id, full_name in session.execute(
            select(MemberRow.id, MemberRow.full_name)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(FamilyRow.case_id == case_id)
        )
    }
    return [
        {
            "id": row.id,
            "purposes": list(row.purposes or ()),
            "note": row.note,
            "given_on": _day(row.given_on),
            "expires_on": _day(row.expires_on),
            "given_by_member_id": row.given_by_member_id,
            # The member's name, or the guardian / representative named.
            "given_by": (
                names.get(row.given_by_member_id) if row.given_by_member_id else row.given_by_name
            ),
            "document_id": row.document_id,
            "recorded_by": row.recorded_by,
            "withdrawn_on": _day(row.withdrawn_on),
            "withdrawn_by": row.withdrawn_by,
            "withdrawal_reason": row.withdrawal_reason,
        }
        for row in session.scalars(
            select(ConsentRow).where(ConsentRow.case_id == case_id).order_by(ConsentRow.id)
        )
    ]


def _assessments(session: Session, case_id: int, staff: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "id": row.id,
            "assessor": staff.get(row.assessor_id),
            "assessed_on": _day(row.assessed_on),
            "risk_of_abandonment": row.risk_of_abandonment,
            "risk_description": row.risk_description,
            "criteria": list(row.criteria),
            "notes": row.notes,
        }
        for row in session.scalars(
            select(AssessmentRow).where(AssessmentRow.case_id == case_id).order_by(AssessmentRow.id)
        )
    ]


def _services(session: Session, case_id: int, staff: dict[int, str]) -> list[dict[str, Any]]:
    planned = session.scalars(
        select(PlannedServiceRow)
        .where(PlannedServiceRow.case_id == case_id)
        .order_by(PlannedServiceRow.id)
    ).all()
    deliveries: dict[int, list[dict[str, Any]]] = {}
    for row in session.scalars(
        select(DeliveryRow)
        .where(DeliveryRow.planned_service_id.in_([p.id for p in planned]))
        .order_by(DeliveryRow.id)
    ):
        deliveries.setdefault(row.planned_service_id, []).append(
            {
                "id": row.id,
                "delivered_on": _day(row.delivered_on),
                "quantity": row.quantity,
                "cost_amd": row.cost_amd,
                "notes": row.notes,
                "counselling_session_id": row.counselling_session_id,
            }
        )
    return [
        {
            "id": row.id,
            "service": row.service,
            "status": row.status,
            "target_date": _day(row.target_date),
            "provider_staff": staff.get(row.provider_staff_id or 0),
            "provider_partner": row.provider_partner,
            "funder": row.funder,
            "funded_amount_amd": row.funded_amount_amd,
            "notes": row.notes,
            "cancel_reason": row.cancel_reason,
            "deliveries": deliveries.get(row.id, []),
        }
        for row in planned
    ]


def _counselling(session: Session, case_id: int, staff: dict[int, str]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(CounsellingSessionRow)
        .join(
            CounsellingParticipantRow,
            CounsellingParticipantRow.session_id == CounsellingSessionRow.id,
        )
        .where(CounsellingParticipantRow.case_id == case_id)
        .order_by(CounsellingSessionRow.held_on, CounsellingSessionRow.id)
    ).all()
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "psychologist": staff.get(row.psychologist_id),
            "held_on": _day(row.held_on),
            "follow_up_needed": row.follow_up_needed,
            "notes": row.notes,
            "case_ids": sorted(
                session.scalars(
                    select(CounsellingParticipantRow.case_id).where(
                        CounsellingParticipantRow.session_id == row.id
                    )
                )
            ),
        }
        for row in rows
    ]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_families(rt: Runtime, *, name: str, limit: int = 50) -> list[dict[str, Any]]:
    """Families whose name, or a member's name, contains ``name``, ignoring case.

    Compares the stored search keys (NFC + casefold) with LIKE, so "ՍԱՐԳՍ" finds
    Սարգսյան on SQLite and PostgreSQL alike.
    """
    key = search_key(name)
    if not key:
        return []
    pattern = _like(key)
    with rt.session_factory() as session:
        member_hit = (
            select(MemberRow.family_id)
            .where(MemberRow.name_key.like(pattern, escape="\\"))
            .scalar_subquery()
        )
        rows = session.execute(
            select(FamilyRow, CaseRow, CommunityRow)
            .join(CaseRow, FamilyRow.case_id == CaseRow.id)
            .join(CommunityRow, FamilyRow.community_id == CommunityRow.id)
            .where(or_(FamilyRow.name_key.like(pattern, escape="\\"), FamilyRow.id.in_(member_hit)))
            .order_by(FamilyRow.family_name, CaseRow.id)
            .limit(limit)
        ).all()
        return [
            {
                "case_id": case.id,
                "state": case.state,
                "family_name": family.family_name,
                "community": place.name_hy,
                "members": [
                    m.full_name
                    for m in session.scalars(
                        select(MemberRow)
                        .where(MemberRow.family_id == family.id, MemberRow.removed_at.is_(None))
                        .order_by(MemberRow.id)
                    )
                ],
            }
            for family, case, place in rows
        ]
