"""Staff and communities: adding, changing, deactivating, and finding them by what people
type. Every change is written to the administration's history in its own transaction."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workflow.activity import require_actor
from workflow.programme.administration import record
from workflow.programme.shared.errors import AlreadyExists
from workflow.programme.shared.reference import CODE, codes, reference
from workflow.programme.shared.values import Collector, text_value
from workflow.programme.staff.commands import (
    AddCommunity,
    AddStaff,
    CommunityAdded,
    DeactivateCommunity,
    DeactivateStaff,
    RenameCommunity,
    SetStaffCommunities,
    SetStaffContact,
    SetStaffRole,
    StaffChanged,
)
from workflow.programme.staff.errors import (
    CommunityNotFound,
    LastAdmin,
    StaffInactive,
    StaffNotFound,
    UnknownActor,
    UnknownCommunity,
    WrongStaffRole,
)
from workflow.programme.staff.models import CommunityRow, StaffCommunityRow, StaffRow
from workflow.runtime import Runtime
from workflow.text import clean, search_key
from workflow.unit_of_work import UnitOfWork

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,38}")
LANGUAGES = ("hy", "en")
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


def staff_record(session: Session, staff: StaffRow) -> dict[str, Any]:
    """What the history keeps of a staff member (never the password)."""
    return {
        "full_name": staff.full_name,
        "role": staff.role,
        "language": staff.language,
        "email": staff.email,
        "phone": staff.phone,
        "active": staff.active,
        "communities": [row.code for row in communities_of(session, staff.id)],
    }


def _staff_history(
    rt: Runtime, uow: UnitOfWork, actor: str, staff: StaffRow, action: str, before: dict[str, Any]
) -> None:
    uow.session.flush()
    record(
        uow.session,
        at=rt.clock.now(),
        actor=actor,
        area="staff",
        subject=staff.username,
        action=action,
        before=before,
        after=staff_record(uow.session, staff),
    )


def add_staff(rt: Runtime, uow: UnitOfWork, command: AddStaff) -> StaffChanged:
    actor = require_actor(command.actor)
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
    communities = _communities(uow.session, command.communities, problems)
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
    uow.session.add_all(StaffCommunityRow(staff_id=row.id, community_id=c.id) for c in communities)
    _staff_history(rt, uow, actor, row, "added", {})
    uow.commit()
    return StaffChanged(username=username, staff_id=row.id)


def _communities(
    session: Session, given: tuple[str, ...], problems: Collector
) -> list[CommunityRow]:
    lookup = community_lookup(session)
    found: dict[int, CommunityRow] = {}
    for name in given:
        row = find_community(lookup, name)
        if row is None:
            problems.add("communities", f"{name!r} is not a community (hogatar community list)")
        else:
            found[row.id] = row
    return list(found.values())


def set_staff_communities(
    rt: Runtime, uow: UnitOfWork, command: SetStaffCommunities
) -> StaffChanged:
    actor = require_actor(command.actor)
    problems = Collector()
    communities = _communities(uow.session, command.communities, problems)
    problems.check()
    staff = staff_member(uow.session, command.username, require_active=False)
    before = staff_record(uow.session, staff)
    uow.session.execute(delete(StaffCommunityRow).where(StaffCommunityRow.staff_id == staff.id))
    uow.session.add_all(
        StaffCommunityRow(staff_id=staff.id, community_id=row.id) for row in communities
    )
    _staff_history(rt, uow, actor, staff, "communities", before)
    uow.commit()
    return StaffChanged(username=staff.username, staff_id=staff.id)


def communities_of(session: Session, staff_id: int) -> list[CommunityRow]:
    return list(
        session.scalars(
            select(CommunityRow)
            .join(StaffCommunityRow, StaffCommunityRow.community_id == CommunityRow.id)
            .where(StaffCommunityRow.staff_id == staff_id)
            .order_by(CommunityRow.id)
        )
    )


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
    actor = require_actor(command.actor)
    problems = Collector()
    if command.phone is None and command.email is None:
        problems.add("contact", "give a phone, an e-mail or both")
    email = _email(command.email, problems)
    phone = _phone(command.phone, problems)
    problems.check()
    staff = staff_member(uow.session, command.username, require_active=False)
    before = staff_record(uow.session, staff)
    if phone is not None:
        staff.phone = phone
    if email is not None:
        staff.email = email
    _staff_history(rt, uow, actor, staff, "contact", before)
    uow.commit()
    return StaffChanged(username=staff.username, staff_id=staff.id)


def _keep_an_admin(session: Session, staff: StaffRow) -> None:
    """Refuse a change that takes away the last active admin (a demotion or a
    deactivation, of oneself or of another): nobody could administer in the web then."""
    if staff.role != "admin" or not staff.active:
        return
    # The active admins' rows are locked (PostgreSQL): two admins demoting each other at
    # the same moment are taken one after the other, and the second is refused.
    admins = session.scalars(
        select(StaffRow.id)
        .where(StaffRow.role == "admin", StaffRow.active.is_(True))
        .with_for_update()
    ).all()
    if not [admin for admin in admins if admin != staff.id]:
        raise LastAdmin(staff.username)


def set_staff_role(rt: Runtime, uow: UnitOfWork, command: SetStaffRole) -> StaffChanged:
    actor = require_actor(command.actor)
    roles = codes(reference().staff_roles)
    if command.role not in roles:
        problems = Collector()
        problems.add("role", f"{command.role!r} is not one of: {', '.join(roles)}")
        problems.check()
    staff = staff_member(uow.session, command.username, require_active=False)
    before = staff_record(uow.session, staff)
    if command.role != staff.role:
        _keep_an_admin(uow.session, staff)
        staff.role = command.role
        _staff_history(rt, uow, actor, staff, "role", before)
    uow.commit()
    return StaffChanged(username=staff.username, staff_id=staff.id)


def deactivate_staff(rt: Runtime, uow: UnitOfWork, command: DeactivateStaff) -> StaffChanged:
    """A worker who left keeps their name on past records but takes no new cases; their
    login stops working at once (a session is only valid for active staff)."""
    actor = require_actor(command.actor)
    staff = staff_member(uow.session, command.username)
    before = staff_record(uow.session, staff)
    _keep_an_admin(uow.session, staff)
    staff.active = False
    _staff_history(rt, uow, actor, staff, "deactivated", before)
    uow.commit()
    return StaffChanged(username=staff.username, staff_id=staff.id)


def community_record(row: CommunityRow) -> dict[str, Any]:
    return {"name_hy": row.name_hy, "name_en": row.name_en, "active": row.active}


def _community_names(
    command: AddCommunity | RenameCommunity, problems: Collector
) -> tuple[str, str]:
    name_hy = text_value(command.name_hy, "name_hy", problems, required=True, max_length=120)
    name_en = text_value(command.name_en, "name_en", problems, required=True, max_length=120)
    return name_hy or "", name_en or ""


def _refuse_same_names(
    session: Session, code: str, name_hy: str, name_en: str, *, other_than: int | None = None
) -> None:
    for row in session.scalars(select(CommunityRow)):
        if row.id == other_than:
            continue
        if (
            row.code == code
            or search_key(row.name_hy) == search_key(name_hy)
            or (search_key(row.name_en) == search_key(name_en))
        ):
            raise AlreadyExists(
                f"community {row.name_en} ({row.name_hy}, {row.code}) already exists"
            )


def add_community(rt: Runtime, uow: UnitOfWork, command: AddCommunity) -> CommunityAdded:
    actor = require_actor(command.actor)
    problems = Collector()
    name_hy, name_en = _community_names(command, problems)
    code = (clean(command.code) or "").casefold()
    if not CODE.match(code):
        problems.add("code", "use lower-case latin letters, digits and _ (e.g. nor_geghi)")
    problems.check()
    _refuse_same_names(uow.session, code, name_hy, name_en)
    row = CommunityRow(code=code, name_hy=name_hy, name_en=name_en, active=True)
    uow.session.add(row)
    uow.session.flush()
    _community_history(rt, uow, actor, row, "added", {})
    uow.commit()
    return CommunityAdded(code=code, community_id=row.id)


def _community_history(
    rt: Runtime,
    uow: UnitOfWork,
    actor: str,
    row: CommunityRow,
    action: str,
    before: dict[str, Any],
) -> None:
    record(
        uow.session,
        at=rt.clock.now(),
        actor=actor,
        area="community",
        subject=row.code,
        action=action,
        before=before,
        after=community_record(row),
    )


def _community_by_code(session: Session, code: str) -> CommunityRow:
    given = (clean(code) or "").casefold()
    row = session.scalar(select(CommunityRow).where(CommunityRow.code == given))
    if row is None:
        raise CommunityNotFound(given)
    return row


def rename_community(rt: Runtime, uow: UnitOfWork, command: RenameCommunity) -> CommunityAdded:
    actor = require_actor(command.actor)
    problems = Collector()
    name_hy, name_en = _community_names(command, problems)
    problems.check()
    row = _community_by_code(uow.session, command.code)
    _refuse_same_names(uow.session, row.code, name_hy, name_en, other_than=row.id)
    before = community_record(row)
    row.name_hy, row.name_en = name_hy, name_en
    if community_record(row) != before:
        _community_history(rt, uow, actor, row, "renamed", before)
    uow.commit()
    return CommunityAdded(code=row.code, community_id=row.id)


def deactivate_community(
    rt: Runtime, uow: UnitOfWork, command: DeactivateCommunity
) -> CommunityAdded:
    """No new family is registered in it and nobody is given it; the families and staff
    recorded in it keep it (their past is not rewritten)."""
    actor = require_actor(command.actor)
    row = _community_by_code(uow.session, command.code)
    if row.active:
        before = community_record(row)
        row.active = False
        _community_history(rt, uow, actor, row, "deactivated", before)
    uow.commit()
    return CommunityAdded(code=row.code, community_id=row.id)


def staff_member(
    session: Session, username: str, *, role: str | None = None, require_active: bool = True
) -> StaffRow:
    """Active staff member by username, checked to have ``role`` when one is needed."""
    name = (clean(username) or "").casefold()
    staff = session.scalar(select(StaffRow).where(StaffRow.username == name))
    if staff is None:
        raise StaffNotFound(name)
    if role is not None and staff.role != role:
        raise WrongStaffRole(staff.username, staff.role, role)
    if require_active and not staff.active:
        raise StaffInactive(staff.username)
    return staff


def community_lookup(session: Session) -> dict[str, CommunityRow]:
    """Active communities by code and by folded Armenian and English name.

    Few rows, folded in Python: "ՀՐԱԶԴԱՆ", "hrazdan" and "Հրազդան" find the same
    community on every database (SQLite's LOWER() knows ASCII only).
    """
    lookup: dict[str, CommunityRow] = {}
    for row in session.scalars(select(CommunityRow).where(CommunityRow.active.is_(True))):
        for key in (row.code, search_key(row.name_hy), search_key(row.name_en)):
            lookup.setdefault(key, row)
    return lookup


def find_community(lookup: dict[str, CommunityRow], given: str) -> CommunityRow | None:
    key = search_key(given)
    return lookup.get(key) or lookup.get(key.replace(" ", "_").replace("-", "_"))


def community(session: Session, given: str) -> CommunityRow:
    found = find_community(community_lookup(session), given)
    if found is None:
        raise UnknownCommunity(given)
    return found
