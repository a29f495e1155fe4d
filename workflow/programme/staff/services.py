"""Staff and communities: adding, deactivating, and finding them by what people type."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workflow.activity import require_actor
from workflow.programme.shared.errors import AlreadyExists
from workflow.programme.shared.reference import CODE, codes, reference
from workflow.programme.shared.values import Collector, text_value
from workflow.programme.staff.commands import (
    AddCommunity,
    AddStaff,
    CommunityAdded,
    DeactivateStaff,
    SetStaffCommunities,
    SetStaffContact,
    StaffChanged,
)
from workflow.programme.staff.errors import (
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
    require_actor(command.actor)
    problems = Collector()
    communities = _communities(uow.session, command.communities, problems)
    problems.check()
    staff = staff_member(uow.session, command.username, require_active=False)
    uow.session.execute(delete(StaffCommunityRow).where(StaffCommunityRow.staff_id == staff.id))
    uow.session.add_all(
        StaffCommunityRow(staff_id=staff.id, community_id=row.id) for row in communities
    )
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
