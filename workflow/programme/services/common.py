"""What every change to a case file needs: the case (checked), its family, staff and
communities looked up by what people type, and the timeline entry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.programme.errors import FamilyNotRegistered
from workflow.programme.models import FamilyRow


def family_of(session: Session, case_id: int) -> FamilyRow:
    family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
    if family is None:
        raise FamilyNotRegistered(case_id)
    return family
