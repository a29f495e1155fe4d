"""The face of foster_care/: the foster-care pilot's second workflow (prospective foster
families from inquiry to a monitored placement). What the rest of the code may use of it;
everything else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.foster_care.assignments import FOSTER_ASSIGNMENTS
from workflow.programme.foster_care.commands import (
    InquiryRegistered,
    RecordApplication,
    RecordCommissionDecision,
    RecordHomeAssessment,
    RecordMatch,
    RecordMonitoringVisit,
    RecordPlacement,
    RecordTraining,
    RegisterInquiry,
)
from workflow.programme.foster_care.config import FosterRules, foster_rules, load_foster_rules
from workflow.programme.foster_care.effects import EFFECTS
from workflow.programme.foster_care.errors import (
    FosterFamilyNotRegistered,
    NotAFosterCase,
    WrongStep,
)
from workflow.programme.foster_care.facts import make_foster_facts_loader
from workflow.programme.foster_care.guards import GUARDS, HINTS
from workflow.programme.foster_care.models import (
    FosterApplicationRow,
    FosterDecisionRow,
    FosterFamilyRow,
    FosterHomeAssessmentRow,
    FosterMatchRow,
    FosterPlacementRow,
    FosterTrainingRow,
    FosterVisitRow,
)
from workflow.programme.foster_care.queries import foster_view

#: How a foster-care case is opened (``hogatar case open`` refuses the workflow).
INTAKE = (
    "register the inquiry with "
    "`hogatar foster inquire --family-name NAME --community NAME --adults N`"
)

__all__ = [
    "FOSTER_ASSIGNMENTS",
    "EFFECTS",
    "GUARDS",
    "HINTS",
    "INTAKE",
    "FosterApplicationRow",
    "FosterDecisionRow",
    "FosterFamilyNotRegistered",
    "FosterFamilyRow",
    "FosterHomeAssessmentRow",
    "FosterMatchRow",
    "FosterPlacementRow",
    "FosterRules",
    "FosterTrainingRow",
    "FosterVisitRow",
    "InquiryRegistered",
    "NotAFosterCase",
    "RecordApplication",
    "RecordCommissionDecision",
    "RecordHomeAssessment",
    "RecordMatch",
    "RecordMonitoringVisit",
    "RecordPlacement",
    "RecordTraining",
    "RegisterInquiry",
    "WrongStep",
    "foster_rules",
    "foster_view",
    "load_foster_rules",
    "make_foster_facts_loader",
]
