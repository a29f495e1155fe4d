"""Scoped access, the programme's rule: which cases a staff member reads and changes.

Each case has a community and assigned staff (its family file says which); each staff
member has a role and the communities they work in. From ``config/programme/privacy.toml``
``[scope]``:

- a social worker changes the cases assigned to them and reads those and, when the mode is
  ``own_and_community``, the open cases of their communities (``all``: every case);
- a psychologist reads and changes the cases assigned to them or that they counsel;
- a manager every case, or those of their communities;
- an admin every case; a procurement officer sees procurement and never a family's file
  (their permissions keep the case pages closed, so their rows are not scoped).

The rule builds SQL (case ids) that ``workflow.scoping`` applies to every query of a
session opened for the staff member. Where a case's community and staff are recorded
belongs to each workflow's room, which offers a :class:`CaseAssignments`; the wiring
hands them over, so this module knows no other room.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from workflow.persistence.models import CaseRow
from workflow.programme.shared.reference import PROGRAMME_DIR, ReferenceDataError
from workflow.programme.staff.models import StaffCommunityRow, StaffRow
from workflow.runtime import Runtime
from workflow.scoping import CaseScope

MODES: Mapping[str, tuple[str, ...]] = {
    "social_worker": ("own", "own_and_community", "all"),
    "psychologist": ("own", "all"),
    "manager": ("communities", "all"),
}
DEFAULTS = {"social_worker": "own_and_community", "psychologist": "own", "manager": "all"}
#: Roles that are never scoped: admins see everything; procurement officers see
#: procurement data only, which their permissions (not row filters) decide.
UNSCOPED_ROLES = frozenset({"admin", "procurement_officer"})


@dataclass(frozen=True)
class CaseAssignments:
    """Where one workflow records who works on a case and in which community, as SQL
    over Core tables (ORM entities would be scoped themselves)."""

    #: Case ids on which the staff member (id) holds the role; None: that role holds none.
    assigned: Callable[[int, str], Select[Any] | None]
    #: Case ids of the communities (ids); None: this workflow's cases have no community.
    in_communities: Callable[[Sequence[int]], Select[Any] | None]


@lru_cache(maxsize=1)
def scope_modes() -> Mapping[str, str]:
    path = PROGRAMME_DIR / "privacy.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")).get("scope", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ReferenceDataError(f"privacy.toml: cannot be read: {exc}") from None
    modes = dict(DEFAULTS)
    for role, mode in raw.items():
        if role not in MODES:
            raise ReferenceDataError(
                f"privacy.toml: [scope] {role!r} is not a scoped role; roles: {', '.join(MODES)}"
            )
        if mode not in MODES[role]:
            raise ReferenceDataError(
                f"privacy.toml: [scope] {role} = {mode!r}; choose one of: {', '.join(MODES[role])}"
            )
        modes[role] = mode
    return modes


class ScopeRule:
    """``rt.case_scope``: the scope of the staff member ``actor`` (None: sees all)."""

    def __init__(self, assignments: Sequence[CaseAssignments]) -> None:
        self.assignments = tuple(assignments)

    def __call__(self, rt: Runtime, session: Session, actor: str) -> CaseScope | None:
        staff = session.scalar(select(StaffRow).where(StaffRow.username == actor))
        if staff is None or staff.role in UNSCOPED_ROLES:
            return None
        mode = scope_modes().get(staff.role, "own")
        if mode == "all":
            return None
        communities = list(
            session.scalars(
                select(StaffCommunityRow.community_id).where(StaffCommunityRow.staff_id == staff.id)
            )
        )
        if staff.role == "manager":
            return CaseScope(viewer=actor, visible_parts=self._in_communities(communities))
        own = self._assigned(staff.id, staff.role)
        if mode == "own_and_community" and communities:
            colleagues = tuple(_open_cases(rt, part) for part in self._in_communities(communities))
            return CaseScope(viewer=actor, visible_parts=own + colleagues, changeable_parts=own)
        return CaseScope(viewer=actor, visible_parts=own)

    def _assigned(self, staff_id: int, role: str) -> tuple[Select[Any], ...]:
        return _present([a.assigned(staff_id, role) for a in self.assignments])

    def _in_communities(self, communities: Sequence[int]) -> tuple[Select[Any], ...]:
        return _present([a.in_communities(communities) for a in self.assignments])


def _present(parts: Sequence[Select[Any] | None]) -> tuple[Select[Any], ...]:
    return tuple(part for part in parts if part is not None)


def _open_cases(rt: Runtime, case_ids: Select[Any]) -> Select[Any]:
    """Those of ``case_ids`` whose case is open: not in a final state of its workflow
    (the newest definition's; a version never turns an open state final)."""
    cases = CaseRow.__table__
    open_state = [
        and_(cases.c.workflow == name, cases.c.state.notin_(_finals(definition)))
        for name, definition in rt.definitions.items()
    ]
    return select(cases.c.id).where(cases.c.id.in_(case_ids), or_(*open_state))


def _finals(definition: Any) -> list[str]:
    return [state.name for state in definition.states if state.final]
