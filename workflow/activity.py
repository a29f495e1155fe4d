"""What the service layer and the features write around a case besides its transitions:
who is acting, and work done for the case put on its timeline without changing its
version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workflow.errors import InvalidInput
from workflow.persistence.models import CaseActivityRow, CaseRow
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork


def require_actor(actor: str) -> str:
    cleaned = clean(actor)
    if not cleaned:
        raise InvalidInput("an actor (who is doing this) is required")
    return cleaned


def note_activity(
    uow: UnitOfWork,
    *,
    case: CaseRow,
    kind: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseActivityRow:
    """Put work done around a case on its timeline without changing the case file.

    A referral mailed, a reminder sent or acknowledged, goods ordered: the timeline shows
    them, but they leave the case's version alone, so background work never makes a
    social worker's edit fail as "changed by someone else".
    """
    activity = CaseActivityRow(
        case_id=case.id,
        kind=kind,
        state=case.state,
        actor=actor,
        at=now,
        reason=reason,
        data=data or {},
    )
    uow.session.add(activity)
    uow.session.flush()
    return activity
