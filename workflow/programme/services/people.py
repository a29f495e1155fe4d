"""Staff, communities and who works on which case (assignment, bulk reassignment)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from workflow.persistence.models import CaseRow
from workflow.programme.commands import (
    AddCommunity,
    AddStaff,
    AssignCase,
    CasesReassigned,
    CommunityAdded,
    DeactivateStaff,
    ReassignCases,
    SetStaffContact,
    StaffChanged,
)
from workflow.programme.errors import UnknownActor, WrongStaffRole
from workflow.programme.models import CommunityRow, FamilyRow, StaffRow
from workflow.programme.services.common import family_of, staff_member
from workflow.programme.shared.cases import (
    CaseFileChanged,
    case_for_change,
    open_states,
    record_change,
)
from workflow.programme.shared.errors import AlreadyExists
from workflow.programme.shared.reference import CODE, codes, reference
from workflow.programme.shared.values import Collector, text_value
from workflow.runtime import Runtime
from workflow.services import confirm_current, require_actor
from workflow.text import clean, search_key
from workflow.unit_of_work import UnitOfWork

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,38}")
LANGUAGES = ("hy", "en")
#: The case roles a staff member can hold, and the family column that records each.
CASE_ROLES = {"social_worker": "social_worker_id", "psychologist": "psychologist_id"}


#: Actors that are not staff say so: a person at a terminal, or a process.
ACTOR_PREFIXES = ("cli:", "system:")


def known_actor(rt: Runtime, actor: str) -> str:
    """The actor as recorded: an active staff member's username, or an explicit
    ``cli:NAME`` / ``system:NAME``; anything else is refused (``UnknownActor``)."""
    given = clean(actor) or ""
    prefix = next((p for p in ACTOR_PREFIXES if given.casefold().startswith(p)), None)
    if prefix is not None:
        if not given[len(prefix) :].strip():
            raise UnknownActor(given)
        return given
    with rt.session_factory() as session:
        staff = session.scalar(select(StaffRow).where(StaffRow.username == given.casefold()))
    if staff is None:
        raise UnknownActor(given)
    if not staff.active:
        raise UnknownActor(given, inactive=True)
    return staff.username


def add_staff(rt: Runtime, uow: UnitOfWork, command: AddStaff) -> StaffChanged:
    require_actor(command.actor)
    problems = Collector()
    username = (clean(command.username) or "").casefold()
    if not USERNAME.match(username):
        problems.add("username", "use 2-64 lower-case letters, digits, '.', '_' or '-'")
    full_name = text_value(command.full_name, "full_name", problems, required=True)
    roles = codes(reference().staff_roles)
    if command.role not in roles:
        problems.add("role", f"{command.role!r} is not one of: {', '.join(roles)}")
    if command.language not in LANGUAGES:
        problems.add("language", f"must be one of: {', '.join(LANGUAGES)}")
    email = _email(command.email, problems)
    phone = _phone(command.phone, problems)
    problems.check()
    assert full_name is not None
    if uow.session.scalar(select(StaffRow.id).where(StaffRow.username == username)):
        raise AlreadyExists(f"a staff member with the username {username!r} already exists")
    row = StaffRow(
        username=username,
        full_name=full_name,
        role=command.role,
        language=command.language,
        email=email,
        phone=phone,
        active=True,
        created_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    uow.commit()
    return StaffChanged(username=username, staff_id=row.id)


def _email(value: str | None, problems: Collector) -> str | None:
    email = clean(value)
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        problems.add("email", f"{email!r} is not an e-mail address")
    return email


def _phone(value: str | None, problems: Collector) -> str | None:
    phone = clean(value)
    if phone is not None and not PHONE.fullmatch(phone):
        problems.add("phone", f"{phone!r} is not a phone number (e.g. +374 93 123456)")
    return phone


def set_staff_contact(rt: Runtime, uow: UnitOfWork, command: SetStaffContact) -> StaffChanged:
    require_actor(command.actor)
    problems = Collector()
    if command.phone is None and command.email is None:
        problems.add("contact", "give a phone, an e-mail or both")
    email = _email(command.email, problems)
    phone = _phone(command.phone, problems)
    problems.check()
    staff = staff_member(uow.session, command.username, require_active=False)
    if phone is not None:
        staff.phone = phone
    if email is not None:
        staff.email = email
    uow.commit()
    return StaffChanged(username=staff.username, staff_id=staff.id)


def deactivate_staff(rt: Runtime, uow: UnitOfWork, command: DeactivateStaff) -> StaffChanged:
    """A worker who left keeps their name on past records but takes no new cases."""
    require_actor(command.actor)
    staff = staff_member(uow.session, command.username)
    staff.active = False
    uow.commit()
    return StaffChanged(username=staff.username, staff_id=staff.id)


def add_community(rt: Runtime, uow: UnitOfWork, command: AddCommunity) -> CommunityAdded:
    require_actor(command.actor)
    problems = Collector()
    name_hy = text_value(command.name_hy, "name_hy", problems, required=True, max_length=120)
    name_en = text_value(command.name_en, "name_en", problems, required=True, max_length=120)
    code = (clean(command.code) or "").casefold()
    if not CODE.match(code):
        problems.add("code", "use lower-case latin letters, digits and _ (e.g. nor_geghi)")
    problems.check()
    assert name_hy is not None and name_en is not None
    for row in uow.session.scalars(select(CommunityRow)):
        if (
            row.code == code
            or search_key(row.name_hy) == search_key(name_hy)
            or (search_key(row.name_en) == search_key(name_en))
        ):
            raise AlreadyExists(
                f"community {row.name_en} ({row.name_hy}, {row.code}) already exists"
            )
    row = CommunityRow(code=code, name_hy=name_hy, name_en=name_en, active=True)
    uow.session.add(row)
    uow.session.flush()
    uow.commit()
    return CommunityAdded(code=code, community_id=row.id)


def assign_case(rt: Runtime, uow: UnitOfWork, command: AssignCase) -> CaseFileChanged:
    actor = require_actor(command.actor)
    wanted = {"social_worker": command.social_worker, "psychologist": command.psychologist}
    if not any(wanted.values()):
        problems = Collector()
        problems.add("assign", "name a social worker, a psychologist, or both")
        problems.check()
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    family = family_of(uow.session, case.id)
    changes: dict[str, Any] = {}
    for role, username in wanted.items():
        if not username:
            continue
        staff = staff_member(uow.session, username, role=role)
        column = CASE_ROLES[role]
        previous = getattr(family, column)
        if previous != staff.id:
            setattr(family, column, staff.id)
            changes[role] = {"from": _username(uow, previous), "to": staff.username}
    if not changes:
        confirm_current(uow, case, command.expected_version)
        return CaseFileChanged(case.id, "assign", case.version)
    family.updated_at = rt.clock.now()
    version = record_change(rt, uow, case=case, trigger="assign", actor=actor, data=changes)
    uow.commit()
    return CaseFileChanged(case.id, "assign", version)


def _username(uow: UnitOfWork, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    staff = uow.session.get(StaffRow, staff_id)
    return staff.username if staff else None


def reassign_cases(rt: Runtime, uow: UnitOfWork, command: ReassignCases) -> CasesReassigned:
    """Move every open case of a worker to another of the same role, in one transaction;
    each case's timeline records the move."""
    actor = require_actor(command.actor)
    # The leaving worker may already be deactivated; their cases still have to move.
    leaving = staff_member(uow.session, command.from_staff, require_active=False)
    if leaving.role not in CASE_ROLES:
        raise WrongStaffRole(leaving.username, leaving.role, "social worker or psychologist")
    taking = staff_member(uow.session, command.to_staff, role=leaving.role)
    if taking.id == leaving.id:
        raise AlreadyExists(f"{taking.username} already holds these cases")
    column = getattr(FamilyRow, CASE_ROLES[leaving.role])
    families = uow.session.execute(
        select(FamilyRow, CaseRow)
        .join(CaseRow, FamilyRow.case_id == CaseRow.id)
        .where(column == leaving.id, CaseRow.state.in_(open_states(rt)))
        .order_by(CaseRow.id)
        .with_for_update(of=CaseRow)
    ).all()
    now = rt.clock.now()
    for family, case in families:
        setattr(family, CASE_ROLES[leaving.role], taking.id)
        family.updated_at = now
        record_change(
            rt,
            uow,
            case=case,
            trigger="reassign",
            actor=actor,
            data={"role": leaving.role, "from": leaving.username, "to": taking.username},
        )
    uow.commit()
    return CasesReassigned(
        role=leaving.role,
        from_staff=leaving.username,
        to_staff=taking.username,
        case_ids=tuple(case.id for _, case in families),
    )
