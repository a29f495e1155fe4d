"""Registering a family (which opens its case), changing its details, adding members,
and the duplicate check that runs whenever a person enters the case files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.activity import require_actor
from workflow.commands import OpenCase
from workflow.persistence.models import CaseRow
from workflow.programme.families.commands import (
    AddMember,
    FamilyInput,
    FamilyRegistered,
    MemberInput,
    RegisterFamily,
    UpdateFamily,
)
from workflow.programme.families.consent import check_consent, consent_row
from workflow.programme.families.errors import FamilyNotRegistered, PossibleDuplicate
from workflow.programme.families.models import FamilyRow, MemberRow
from workflow.programme.shared.cases import (
    FAMILY_WORKFLOW,
    CaseFileChanged,
    case_for_change,
    final_states,
    record_change,
)
from workflow.programme.shared.reference import Reference, codes, reference
from workflow.programme.shared.values import (
    Collector,
    bool_value,
    choice,
    phone_key,
    phone_value,
    text_value,
)
from workflow.programme.staff import CommunityRow, StaffRow, community
from workflow.runtime import Runtime
from workflow.scoping import unscoped
from workflow.services import confirm_current, open_case_in
from workflow.text import clean, name_key, search_key
from workflow.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DuplicateMatch:
    """Why a person may already be in the case files: who was typed, whom they match
    (their names compared by ``name_key``, so across Armenian and Latin letters), and
    what they share besides the name (a child's birth date, a parent's family phone)."""

    case_id: int
    kind: str  # "child" or "parent"
    typed_name: str
    existing_name: str
    date_of_birth: date | None
    phone: str | None
    family_name: str
    community: str
    state: str

    @property
    def description(self) -> str:
        shared = (
            f"born {self.date_of_birth.isoformat()}"
            if self.kind == "child" and self.date_of_birth
            else f"phone {self.phone}"
        )
        return (
            f"{self.kind} {self.typed_name}, {shared}, matches {self.existing_name} "
            f"in open case {self.case_id} ({self.family_name}, {self.community}, "
            f"{self.state.replace('_', ' ')})"
        )


def find_duplicates(
    rt: Runtime,
    session: Session,
    *,
    members: Sequence[MemberInput],
    phone: str | None,
    exclude_case: int | None = None,
) -> list[DuplicateMatch]:
    """Open cases that already hold one of these people: a child with the same name and
    date of birth, or a parent with the same name and family phone. Names match in
    either script and in any common romanisation (``name_key``); the birth date or the
    phone narrows the candidates in the database first, the names are compared here."""
    ref = reference()
    closed = final_states(rt)
    key = phone_key(phone)
    matches: list[DuplicateMatch] = []
    for member in members:
        kind = ref.member_role_kind(member.role)
        query = (
            select(MemberRow, FamilyRow, CaseRow, CommunityRow)
            .join(FamilyRow, MemberRow.family_id == FamilyRow.id)
            .join(CaseRow, FamilyRow.case_id == CaseRow.id)
            .join(CommunityRow, FamilyRow.community_id == CommunityRow.id)
            .where(CaseRow.state.not_in(closed), MemberRow.removed_at.is_(None))
        )
        if exclude_case is not None:
            query = query.where(CaseRow.id != exclude_case)
        if kind == "child" and member.date_of_birth is not None:
            query = query.where(
                MemberRow.role.in_(_roles_of_kind(ref, "child")),
                MemberRow.date_of_birth == member.date_of_birth,
            )
        elif kind == "parent" and key is not None:
            query = query.where(
                MemberRow.role.in_(_roles_of_kind(ref, "parent")), FamilyRow.phone_key == key
            )
        else:
            continue
        wanted = name_key(member.full_name)
        # Every open case, not only the reader's: a family registered twice in two
        # communities is what the check is for. It names the case, not its file.
        with unscoped(session):
            found = session.execute(query.order_by(CaseRow.id)).all()
        for existing, family, case, place in found:
            if name_key(existing.full_name) != wanted:
                continue
            matches.append(
                DuplicateMatch(
                    case_id=case.id,
                    kind=kind,
                    typed_name=member.full_name,
                    existing_name=existing.full_name,
                    date_of_birth=member.date_of_birth,
                    phone=phone,
                    family_name=family.family_name,
                    community=place.name_hy,
                    state=case.state,
                )
            )
    return matches


def _roles_of_kind(ref: Reference, kind: str) -> list[str]:
    return [code for code in codes(ref.member_roles) if ref.member_role_kind(code) == kind]


def refuse_unconfirmed(matches: list[DuplicateMatch], confirmed: bool) -> tuple[int, ...]:
    case_ids = tuple(dict.fromkeys(match.case_id for match in matches))
    if matches and not confirmed:
        raise PossibleDuplicate([m.description for m in matches], case_ids, found=matches)
    return case_ids


def member_row(family_id: int, member: MemberInput) -> MemberRow:
    return MemberRow(
        family_id=family_id,
        role=member.role,
        full_name=member.full_name,
        name_key=search_key(member.full_name),
        date_of_birth=member.date_of_birth,
        disability=member.disability,
        health_notes=member.health_notes,
    )


def cleaned_member(member: MemberInput) -> MemberInput:
    """NFC and trimmed, whoever built the command (CLI, import, web)."""
    name = clean(member.full_name)
    if name is None:
        problems = Collector()
        problems.add("full_name", "is required")
        problems.check()
    assert name is not None  # checked above
    return replace(member, full_name=name, health_notes=clean(member.health_notes))


def cleaned_family(family: FamilyInput) -> FamilyInput:
    problems = Collector()
    name = clean(family.family_name)
    if name is None:
        problems.add("family_name", "is required")
    if not family.members:
        problems.add("members", "at least one household member is required")
    problems.check()
    assert name is not None  # checked above
    return replace(
        family,
        family_name=name,
        community=clean(family.community) or "",
        address=clean(family.address),
        phone=clean(family.phone),
        referral_partner_name=clean(family.referral_partner_name),
        members=tuple(cleaned_member(member) for member in family.members),
    )


def register_family_in(rt: Runtime, uow: UnitOfWork, command: RegisterFamily) -> FamilyRegistered:
    """Open the family's case with its household (and consent, if given) in the caller's
    unit of work; the import registers many families in one."""
    actor = require_actor(command.actor)
    family = cleaned_family(command.family)
    session = uow.session
    place = community(session, family.community)
    matches = find_duplicates(rt, session, members=family.members, phone=family.phone)
    confirmed = refuse_unconfirmed(matches, command.confirm_duplicate)
    opened = open_case_in(
        rt,
        uow,
        OpenCase(
            actor=actor,
            workflow=FAMILY_WORKFLOW,
            family_name=family.family_name,
            community=place.name_hy,
        ),
    )
    now = rt.clock.now()
    row = _family_row(opened.case_id, family, place, now)
    # The social worker who registers a family works with it: the case is in their
    # caseload and its reminders go to them, not to the manager.
    worker = _registering_social_worker(session, actor)
    row.social_worker_id = worker.id if worker is not None else None
    session.add(row)
    session.flush()
    session.add_all(member_row(row.id, member) for member in family.members)
    if family.consent is not None:
        problems = Collector()
        purposes = check_consent(rt, family.consent, problems, members=None, prefix="consent.")
        problems.check()
        session.add(consent_row(opened.case_id, family.consent, purposes, actor=actor, now=now))
    case = session.get(CaseRow, opened.case_id)
    assert case is not None  # opened just above
    case.community_id = place.id
    data: dict[str, Any] = {
        "family_id": row.id,
        "community": place.code,
        "members": len(family.members),
        "state_benefit": family.state_benefit,
        "consent": family.consent is not None,
    }
    if worker is not None:
        data["social_worker"] = worker.username
    if confirmed:
        data["possible_duplicates_confirmed"] = list(confirmed)
    version = record_change(rt, uow, case=case, trigger="register_family", actor=actor, data=data)
    return FamilyRegistered(
        case_id=case.id, family_id=row.id, version=version, duplicates_confirmed=confirmed
    )


def _registering_social_worker(session: Session, actor: str) -> StaffRow | None:
    staff = session.scalar(select(StaffRow).where(StaffRow.username == actor))
    if staff is None or not staff.active or staff.role != "social_worker":
        return None
    return staff


def _family_row(case_id: int, family: FamilyInput, place: CommunityRow, now: Any) -> FamilyRow:
    return FamilyRow(
        case_id=case_id,
        family_name=family.family_name,
        name_key=search_key(family.family_name),
        community_id=place.id,
        address=family.address,
        phone=family.phone,
        phone_key=phone_key(family.phone),
        referral_partner_type=family.referral_partner_type,
        referral_partner_name=family.referral_partner_name,
        state_benefit=family.state_benefit,
        created_at=now,
        updated_at=now,
    )


def register_family(rt: Runtime, uow: UnitOfWork, command: RegisterFamily) -> FamilyRegistered:
    registered = register_family_in(rt, uow, command)
    uow.commit()
    return registered


UPDATABLE = (
    "family_name",
    "community",
    "address",
    "phone",
    "referral_partner_type",
    "referral_partner_name",
    "state_benefit",
)


def update_family(rt: Runtime, uow: UnitOfWork, command: UpdateFamily) -> CaseFileChanged:
    """Change the family's details; the timeline keeps each field before and after. A new
    phone shared with a parent of the same name in another open case is a possible
    duplicate, refused until the worker confirms it, as at registration."""
    actor = require_actor(command.actor)
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    family = family_of(uow.session, case.id)
    values = _read_changes(command.changes, reference())
    if "phone" in values and phone_key(values["phone"]) != family.phone_key:
        matches = find_duplicates(
            rt,
            uow.session,
            members=household_inputs(uow.session, family.id),
            phone=values["phone"],
            exclude_case=case.id,
        )
        confirmed = refuse_unconfirmed(matches, command.confirm_duplicate)
    else:
        confirmed = ()
    changed: dict[str, Any] = {}
    before: dict[str, Any] = {}
    for field, value in values.items():
        if field == "community":
            place = community(uow.session, str(value))
            if place.id != family.community_id:
                earlier = uow.session.get(CommunityRow, family.community_id)
                before["community"] = earlier.code if earlier is not None else None
                family.community_id = place.id
                case.community, case.community_id = place.name_hy, place.id
                changed["community"] = place.code
            continue
        if getattr(family, field) != value:
            before[field] = getattr(family, field)
            setattr(family, field, value)
            changed[field] = value
    if "family_name" in changed:
        family.name_key = search_key(family.family_name)
        case.family_name = family.family_name
    if "phone" in changed:
        family.phone_key = phone_key(family.phone)
    if not changed:
        confirm_current(uow, case, command.expected_version)
        return CaseFileChanged(case_id=case.id, trigger="update_family", version=case.version)
    family.updated_at = rt.clock.now()
    data: dict[str, Any] = {"changed": changed, "before": before}
    if confirmed:
        data["possible_duplicates_confirmed"] = list(confirmed)
    version = record_change(rt, uow, case=case, trigger="update_family", actor=actor, data=data)
    uow.commit()
    return CaseFileChanged(case_id=case.id, trigger="update_family", version=version)


def household_inputs(session: Session, family_id: int) -> list[MemberInput]:
    """The household as it stands (removed members left out), as the duplicate check reads it."""
    return [
        MemberInput(role=row.role, full_name=row.full_name, date_of_birth=row.date_of_birth)
        for row in session.scalars(
            select(MemberRow)
            .where(MemberRow.family_id == family_id, MemberRow.removed_at.is_(None))
            .order_by(MemberRow.id)
        )
    ]


def _read_changes(changes: Any, ref: Reference) -> dict[str, Any]:
    problems = Collector()
    if not isinstance(changes, dict) or not changes:
        problems.add("changes", f"give at least one of: {', '.join(UPDATABLE)}")
        problems.check()
    values: dict[str, Any] = {}
    for field, raw in changes.items():
        if field not in UPDATABLE:
            problems.add(field, f"cannot be changed here; changeable: {', '.join(UPDATABLE)}")
        elif field in ("family_name", "community"):
            values[field] = text_value(raw, field, problems, required=True)
        elif field == "phone":
            values[field] = phone_value(raw, field, problems)
        elif field == "referral_partner_type":
            values[field] = choice(raw, field, problems, codes(ref.partner_types), required=False)
        elif field == "state_benefit":
            values[field] = bool_value(raw, field, problems)
        else:
            values[field] = text_value(raw, field, problems, max_length=300)
    problems.check()
    return values


def add_member(rt: Runtime, uow: UnitOfWork, command: AddMember) -> CaseFileChanged:
    actor = require_actor(command.actor)
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    family = family_of(uow.session, case.id)
    member = cleaned_member(command.member)
    matches = find_duplicates(
        rt, uow.session, members=[member], phone=family.phone, exclude_case=case.id
    )
    confirmed = refuse_unconfirmed(matches, command.confirm_duplicate)
    row = member_row(family.id, member)
    uow.session.add(row)
    uow.session.flush()
    data: dict[str, Any] = {
        "member_id": row.id,
        "role": row.role,
        # The member as added: the timeline's "after" (the anonymisation keeps the role).
        "added": member_summary(row),
    }
    if confirmed:
        data["possible_duplicates_confirmed"] = list(confirmed)
    version = record_change(rt, uow, case=case, trigger="add_member", actor=actor, data=data)
    uow.commit()
    return CaseFileChanged(case_id=case.id, trigger="add_member", version=version, record_id=row.id)


def member_summary(row: MemberRow) -> dict[str, Any]:
    """What the timeline says of a member added or removed (never the sensitive fields)."""
    return {
        "full_name": row.full_name,
        "role": row.role,
        "date_of_birth": row.date_of_birth.isoformat() if row.date_of_birth else None,
    }


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def family_of(session: Session, case_id: int) -> FamilyRow:
    family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
    if family is None:
        raise FamilyNotRegistered(case_id)
    return family
