"""Scoped access: a foster-care case is its social worker's, in its family's community."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from workflow.programme.foster_care.models import FosterFamilyRow
from workflow.programme.staff import CaseAssignments


def _assigned(staff_id: int, role: str) -> Select[Any] | None:
    if role != "social_worker":
        return None
    families = FosterFamilyRow.__table__
    return select(families.c.case_id).where(families.c.social_worker_id == staff_id)


def _in(communities: Sequence[int]) -> Select[Any]:
    families = FosterFamilyRow.__table__
    return select(families.c.case_id).where(families.c.community_id.in_(communities))


FOSTER_ASSIGNMENTS = CaseAssignments(assigned=_assigned, in_communities=_in)
