"""The face of counselling/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.counselling.assignments import COUNSELLING_ASSIGNMENTS
from workflow.programme.counselling.commands import CounsellingHeld, RecordCounselling
from workflow.programme.counselling.models import CounsellingParticipantRow, CounsellingSessionRow

__all__ = [
    "COUNSELLING_ASSIGNMENTS",
    "CounsellingHeld",
    "CounsellingParticipantRow",
    "CounsellingSessionRow",
    "RecordCounselling",
]
