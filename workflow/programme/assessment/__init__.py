"""The face of assessment/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.assessment.commands import RecordAssessment
from workflow.programme.assessment.criteria_copy import criteria_copy, criterion_pattern
from workflow.programme.assessment.models import AssessmentRow

__all__ = [
    "AssessmentRow",
    "RecordAssessment",
    "criteria_copy",
    "criterion_pattern",
]
