"""The case row's copy of its latest assessment's criteria, for the caseload's filter.

The assessments stay the record; the copy exists so that the caseload filtered by
community, state and criterion reads one index of ``cases`` (migration 0027) instead of
looking up every candidate case's latest assessment (a quarter of a second with a
million cases). The primary criterion is a flag of the assessment, not one of its
listed criteria; the copy names it too, so the filter offers and finds all of them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.persistence.models import CaseRow
from workflow.programme.assessment.models import AssessmentRow
from workflow.programme.shared.reference import reference

SEPARATOR = "|"


def criteria_copy(risk_of_abandonment: bool, criteria: list[str]) -> str:
    """``"|risk_of_abandonment|extreme_poverty|"``: every code between separators, so a
    LIKE on one code never matches another that contains it."""
    met = ([reference().primary_criterion.code] if risk_of_abandonment else []) + criteria
    return SEPARATOR + "".join(f"{code}{SEPARATOR}" for code in met)


def criterion_pattern(code: str, escape: str = "\\") -> str:
    """The LIKE pattern matching a copy that names ``code``."""
    for special in (escape, "%", "_"):
        code = code.replace(special, escape + special)
    return f"%{SEPARATOR}{code}{SEPARATOR}%"


def copy_latest_criteria(session: Session, case: CaseRow) -> None:
    """Copy the case's latest assessment (by its date, then the order recorded: a
    backdated assessment does not replace a later one) onto the case row."""
    latest = session.execute(
        select(AssessmentRow.risk_of_abandonment, AssessmentRow.criteria)
        .where(AssessmentRow.case_id == case.id)
        .order_by(AssessmentRow.assessed_on.desc(), AssessmentRow.id.desc())
        .limit(1)
    ).first()
    case.criteria = None if latest is None else criteria_copy(latest[0], list(latest[1]))
