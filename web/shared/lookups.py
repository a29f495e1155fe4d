"""What many pages look up: communities and staff to choose from, names of families
and staff, today in Yerevan, a workflow's final states."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.clock import local_day
from workflow.errors import NotFound
from workflow.persistence.models import CaseRow
from workflow.programme.families import FamilyRow
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime


def final_states(rt: Runtime, workflow: str) -> list[str]:
    """The final states of ``workflow`` as its newest version has them."""
    definition = rt.machine(workflow).definition
    return [state.name for state in definition.states if state.final]


@dataclass(frozen=True)
class Community:
    id: int
    code: str
    labels: dict[str, str]


@dataclass(frozen=True)
class StaffOption:
    id: int
    username: str
    full_name: str
    role: str


def communities(session: Session) -> list[Community]:
    return [
        Community(row.id, row.code, {"hy": row.name_hy, "en": row.name_en})
        for row in session.scalars(
            select(CommunityRow).where(CommunityRow.active.is_(True)).order_by(CommunityRow.id)
        )
    ]


def staff_options(session: Session, *roles: str) -> list[StaffOption]:
    query = select(StaffRow).where(StaffRow.active.is_(True)).order_by(StaffRow.full_name)
    if roles:
        query = query.where(StaffRow.role.in_(roles))
    return [
        StaffOption(row.id, row.username, row.full_name, row.role) for row in session.scalars(query)
    ]


def lookups(rt: Runtime) -> dict[str, Any]:
    """What the caseload filters and the forms offer to choose from."""
    with rt.session_factory() as session:
        return {
            "communities": communities(session),
            "social_workers": staff_options(session, "social_worker"),
            "psychologists": staff_options(session, "psychologist"),
            "assessors": staff_options(session, "social_worker", "psychologist"),
            "workers": staff_options(session, "social_worker", "psychologist"),
            "providers": staff_options(session, "social_worker", "psychologist"),
        }


def today(rt: Runtime) -> date:
    return local_day(rt.clock.now())


def family_names(rt: Runtime, case_ids: Iterable[int]) -> dict[int, str]:
    """Case id -> family name, for lists of referrals and reminders."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    with rt.session_factory() as session:
        rows = session.execute(
            select(CaseRow.id, func.coalesce(FamilyRow.family_name, CaseRow.family_name, ""))
            .outerjoin(FamilyRow, FamilyRow.case_id == CaseRow.id)
            .where(CaseRow.id.in_(wanted))
        ).all()
    return {case_id: name for case_id, name in rows}


def case_of_row(rt: Runtime, column: Any, key: Any, row_id: int, missing: NotFound) -> int:
    with rt.session_factory() as session:
        case_id = session.scalar(select(column).where(key == row_id))
    if case_id is None:
        raise missing
    return int(case_id)


def staff_names(rt: Runtime) -> dict[str, str]:
    """Username -> full name of every member of staff (for lists that name recipients)."""
    with rt.session_factory() as session:
        return dict(session.execute(select(StaffRow.username, StaffRow.full_name)).all())
