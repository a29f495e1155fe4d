"""What the foster-care workflow's guards need to know about a case, read in the
transition's own transaction and handed to them as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.guards import CaseSnapshot
from workflow.programme.foster_care.config import FosterRules
from workflow.programme.foster_care.models import (
    FosterApplicationRow,
    FosterDecisionRow,
    FosterHomeAssessmentRow,
    FosterMatchRow,
    FosterPlacementRow,
    FosterTrainingRow,
)


def _latest(session: Session, model: Any, case_id: int, day: Any) -> Any:
    return session.scalar(
        select(model).where(model.case_id == case_id).order_by(day.desc(), model.id.desc()).limit(1)
    )


def make_foster_facts_loader(rules: FosterRules) -> Any:
    as_facts = rules.as_facts()

    def load_foster_facts(session: Session, case: CaseSnapshot) -> Mapping[str, Any]:
        applications = session.scalar(
            select(func.count())
            .select_from(FosterApplicationRow)
            .where(FosterApplicationRow.case_id == case.id)
        )
        documents: set[str] = set()
        for listed in session.scalars(
            select(FosterApplicationRow.documents).where(FosterApplicationRow.case_id == case.id)
        ):
            documents.update(listed or [])
        modules: set[str] = set()
        for listed in session.scalars(
            select(FosterTrainingRow.modules).where(FosterTrainingRow.case_id == case.id)
        ):
            modules.update(listed or [])
        home = _latest(
            session, FosterHomeAssessmentRow, case.id, FosterHomeAssessmentRow.assessed_on
        )
        decision = _latest(session, FosterDecisionRow, case.id, FosterDecisionRow.decided_on)
        match = _latest(session, FosterMatchRow, case.id, FosterMatchRow.matched_on)
        placement = _latest(session, FosterPlacementRow, case.id, FosterPlacementRow.placed_on)
        return {
            "applications": int(applications or 0),
            "documents": sorted(documents),
            "modules_attended": sorted(modules),
            "latest_home_assessment": None
            if home is None
            else {"outcome": home.outcome, "assessed_on": home.assessed_on.isoformat()},
            "latest_decision": None
            if decision is None
            else {
                "approved": decision.approved,
                "decision_number": decision.decision_number,
                "decided_on": decision.decided_on.isoformat(),
            },
            "latest_match": None if match is None else {"id": match.id},
            "latest_placement": None
            if placement is None
            else {"match_id": placement.match_id, "placed_on": placement.placed_on.isoformat()},
            "rules": as_facts,
        }

    return load_foster_facts
