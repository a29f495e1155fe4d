"""Scoped access: a psychologist reads and counsels the cases they have counselled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from workflow.programme.counselling.models import CounsellingParticipantRow, CounsellingSessionRow
from workflow.programme.staff import CaseAssignments


def _counselled(staff_id: int, role: str) -> Select[Any] | None:
    if role != "psychologist":
        return None
    sessions = CounsellingSessionRow.__table__
    participants = CounsellingParticipantRow.__table__
    return (
        select(participants.c.case_id)
        .join(sessions, sessions.c.id == participants.c.session_id)
        .where(sessions.c.psychologist_id == staff_id)
    )


def _no_community(_communities: Sequence[int]) -> None:
    return None  # a session's community is its families'


COUNSELLING_ASSIGNMENTS = CaseAssignments(assigned=_counselled, in_communities=_no_community)
