"""The read side of a foster family's file, as plain data for the CLI (and pages)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseRow
from workflow.programme.foster_care.errors import NotAFosterCase
from workflow.programme.foster_care.models import (
    FosterApplicationRow,
    FosterDecisionRow,
    FosterHomeAssessmentRow,
    FosterMatchRow,
    FosterPlacementRow,
    FosterTrainingRow,
    FosterVisitRow,
)
from workflow.programme.foster_care.services import foster_family_of
from workflow.programme.shared.cases import FOSTER_WORKFLOW
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime


def _rows(session: Any, model: Any, case_id: int) -> list[Any]:
    return list(session.scalars(select(model).where(model.case_id == case_id).order_by(model.id)))


def foster_view(rt: Runtime, *, case_id: int) -> dict[str, Any]:
    """The family, and every step recorded for it, oldest first."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        if case.workflow != FOSTER_WORKFLOW:
            raise NotAFosterCase(case.id, case.workflow)
        family = foster_family_of(session, case.id)
        place = session.get(CommunityRow, family.community_id)
        staff = {row.id: row.username for row in session.scalars(select(StaffRow))}
        assert place is not None
        return {
            "case_id": case.id,
            "state": case.state,
            "version": case.version,
            "family_name": family.family_name,
            "community": {"code": place.code, "hy": place.name_hy, "en": place.name_en},
            "address": family.address,
            "phone": family.phone,
            "adults": family.adults,
            "children_in_household": family.children_in_household,
            "motivation": family.motivation,
            "inquiry_source": family.inquiry_source,
            "social_worker": staff.get(family.social_worker_id or 0),
            "applications": [
                {"id": r.id, "submitted_on": r.submitted_on.isoformat(), "documents": r.documents}
                for r in _rows(session, FosterApplicationRow, case.id)
            ],
            "home_assessments": [
                {
                    "id": r.id,
                    "assessed_on": r.assessed_on.isoformat(),
                    "assessor": staff.get(r.assessor_id),
                    "outcome": r.outcome,
                    "recommendation": r.recommendation,
                }
                for r in _rows(session, FosterHomeAssessmentRow, case.id)
            ],
            "training": [
                {"id": r.id, "held_on": r.held_on.isoformat(), "modules": r.modules}
                for r in _rows(session, FosterTrainingRow, case.id)
            ],
            "decisions": [
                {
                    "id": r.id,
                    "approved": r.approved,
                    "decision_number": r.decision_number,
                    "decided_on": r.decided_on.isoformat(),
                }
                for r in _rows(session, FosterDecisionRow, case.id)
            ],
            "matches": [
                {
                    "id": r.id,
                    "child_reference": r.child_reference,
                    "child_initials": r.child_initials,
                    "child_age": r.child_age,
                    "matched_on": r.matched_on.isoformat(),
                }
                for r in _rows(session, FosterMatchRow, case.id)
            ],
            "placements": [
                {"id": r.id, "match_id": r.match_id, "placed_on": r.placed_on.isoformat()}
                for r in _rows(session, FosterPlacementRow, case.id)
            ],
            "visits": [
                {
                    "id": r.id,
                    "visited_on": r.visited_on.isoformat(),
                    "visitor": staff.get(r.visitor_id),
                    "observations": r.observations,
                    "next_visit_due": r.next_visit_due.isoformat(),
                }
                for r in _rows(session, FosterVisitRow, case.id)
            ],
        }
