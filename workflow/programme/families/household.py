"""Correcting and removing household members after registration.

A correction changes only the fields given and puts each on the timeline before and
after; the sensitive fields (``sensitive``) are changed only by the roles that may read
them, and the timeline says that they changed, never their values. Changing a name, a
birth date or a role runs the duplicate check again. A removal marks the member removed
(who, when, why) and never deletes the row: the file's history still names them, the
household, its counts and the duplicate check no longer do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.activity import require_actor
from workflow.clock import local_day
from workflow.errors import NotFound
from workflow.programme.families.commands import CorrectMember, MemberInput, RemoveMember
from workflow.programme.families.forms import read_member_changes
from workflow.programme.families.models import FamilyRow, MemberRow
from workflow.programme.families.registration import (
    family_of,
    find_duplicates,
    member_summary,
    refuse_unconfirmed,
)
from workflow.programme.families.sensitive import SENSITIVE_FIELDS, may_see
from workflow.programme.shared.cases import CaseFileChanged, case_for_change, record_change
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Collector
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime
from workflow.services import confirm_current
from workflow.text import clean, search_key
from workflow.unit_of_work import UnitOfWork

#: Fields whose change may make the member someone already in another open case.
IDENTIFYING = ("role", "full_name", "date_of_birth")


class MemberNotFound(NotFound):
    def __init__(self, case_id: int, member_id: int) -> None:
        super().__init__(f"case {case_id} has no household member {member_id}")


def household_row(session: Session, case_id: int, member_id: int) -> MemberRow:
    """A member of the case's household as it stands (a removed member is not found)."""
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
    return row


def actor_role(session: Session, actor: str) -> str | None:
    """The staff role the actor acts in; None for an operator (``cli:NAME``), who sees all."""
    if ":" in actor:
        return None
    return session.scalar(select(StaffRow.role).where(StaffRow.username == actor))


def correct_member(rt: Runtime, uow: UnitOfWork, command: CorrectMember) -> CaseFileChanged:
    actor = require_actor(command.actor)
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    session = uow.session
    row = household_row(session, case.id, command.member_id)
    problems = Collector()
    changes = read_member_changes(
        dict(command.changes), problems, reference(), today=local_day(rt.clock.now())
    )
    role = actor_role(session, actor)
    for field in SENSITIVE_FIELDS:
        if field in changes and not may_see(field, role):
            problems.add(field, "is not shown to your role, so you cannot change it")
    problems.check()
    corrected = MemberInput(
        role=changes.get("role", row.role),
        full_name=changes.get("full_name", row.full_name),
        date_of_birth=changes.get("date_of_birth", row.date_of_birth),
        disability=changes.get("disability", row.disability),
        health_notes=clean(changes.get("health_notes", row.health_notes)),
    )
    if reference().member_role_kind(corrected.role) == "child" and corrected.date_of_birth is None:
        problems.add("date_of_birth", "is required for a child")
        problems.check()
    changed = {
        field: value
        for field in (*IDENTIFYING, *SENSITIVE_FIELDS)
        if (value := getattr(corrected, field)) != getattr(row, field)
    }
    if not changed:
        return _unchanged(uow, case, command.expected_version)
    confirmed: tuple[int, ...] = ()
    if any(field in changed for field in IDENTIFYING):
        family = family_of(session, case.id)
        matches = find_duplicates(
            rt, session, members=[corrected], phone=family.phone, exclude_case=case.id
        )
        confirmed = refuse_unconfirmed(matches, command.confirm_duplicate)
    before = {field: _shown(getattr(row, field)) for field in changed if field in IDENTIFYING}
    for field, value in changed.items():
        setattr(row, field, value)
    row.name_key = search_key(row.full_name)
    data: dict[str, Any] = {
        "member_id": row.id,
        "role": row.role,
        "changed": {f: _shown(v) for f, v in changed.items() if f in IDENTIFYING},
        "before": before,
    }
    hidden = [field for field in SENSITIVE_FIELDS if field in changed]
    if hidden:
        # That a health note changed is history; what it says is not for every reader.
        data["sensitive_changed"] = hidden
    if confirmed:
        data["possible_duplicates_confirmed"] = list(confirmed)
    version = record_change(rt, uow, case=case, trigger="correct_member", actor=actor, data=data)
    uow.commit()
    return CaseFileChanged(case.id, "correct_member", version, row.id)


def remove_member(rt: Runtime, uow: UnitOfWork, command: RemoveMember) -> CaseFileChanged:
    actor = require_actor(command.actor)
    reason = clean(command.reason)
    problems = Collector()
    if reason is None:
        problems.add("reason", "is required (why the member leaves the household)")
    elif len(reason) > 2000:
        problems.add("reason", f"is too long ({len(reason)} characters, at most 2000)")
    problems.check()
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    row = household_row(uow.session, case.id, command.member_id)
    others = uow.session.scalar(
        select(MemberRow.id).where(
            MemberRow.family_id == row.family_id,
            MemberRow.id != row.id,
            MemberRow.removed_at.is_(None),
        )
    )
    if others is None:
        problems.add("member", "is the last member of the household: a family keeps at least one")
        problems.check()
    row.removed_at = rt.clock.now()
    row.removed_by = actor
    row.removal_reason = reason
    data = {"member_id": row.id, "role": row.role, "removed": member_summary(row)}
    version = record_change(
        rt, uow, case=case, trigger="remove_member", actor=actor, data=data, reason=reason
    )
    uow.commit()
    return CaseFileChanged(case.id, "remove_member", version, row.id)


def _unchanged(uow: UnitOfWork, case: Any, expected_version: int | None) -> CaseFileChanged:
    confirm_current(uow, case, expected_version)
    return CaseFileChanged(case.id, "correct_member", case.version)


def _shown(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
