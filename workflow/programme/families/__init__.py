"""The face of families/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.families.commands import (
    AddMember,
    AssignCase,
    ConsentInput,
    FamilyInput,
    MemberInput,
    ReassignCases,
    RecordConsent,
    RegisterFamily,
    UpdateFamily,
    WithdrawConsent,
)
from workflow.programme.families.errors import FamilyNotRegistered, PossibleDuplicate
from workflow.programme.families.forms import read_family
from workflow.programme.families.models import ConsentRow, FamilyRow, MemberRow
from workflow.programme.families.queries import family_view, search_families
from workflow.programme.families.registration import find_duplicates, register_family_in

__all__ = [
    "AddMember",
    "AssignCase",
    "ConsentInput",
    "ConsentRow",
    "FamilyInput",
    "FamilyNotRegistered",
    "FamilyRow",
    "MemberInput",
    "MemberRow",
    "PossibleDuplicate",
    "ReassignCases",
    "RecordConsent",
    "RegisterFamily",
    "UpdateFamily",
    "WithdrawConsent",
    "family_view",
    "find_duplicates",
    "read_family",
    "register_family_in",
    "search_families",
]
