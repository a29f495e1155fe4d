"""The face of families/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.families.assignment import FAMILY_ASSIGNMENTS, of_families
from workflow.programme.families.commands import (
    AddMember,
    AssignCase,
    ConsentInput,
    ConsentWithdrawn,
    CorrectMember,
    FamilyInput,
    MemberInput,
    OpenReferral,
    PreviewWithdrawal,
    ReassignCases,
    RecordConsent,
    ReferralConsentWithdrawn,
    RegisterFamily,
    RemoveMember,
    UpdateFamily,
    WithdrawalPreview,
    WithdrawConsent,
)
from workflow.programme.families.consent_rules import (
    PARTICIPATION,
    REFERRAL,
    consent_covering,
    covers,
    has_consent,
)
from workflow.programme.families.errors import FamilyNotRegistered, PossibleDuplicate
from workflow.programme.families.forms import (
    MEMBER_FIELDS,
    read_family,
    read_member,
    read_member_changes,
)
from workflow.programme.families.household import MemberNotFound
from workflow.programme.families.models import ConsentRow, FamilyRow, MemberRow
from workflow.programme.families.queries import family_view, search_families
from workflow.programme.families.registration import find_duplicates, register_family_in
from workflow.programme.families.sensitive import (
    CONFIDENTIAL_NOTES,
    masked_member,
    may_see,
    sensitive_fields,
)

__all__ = [
    "MEMBER_FIELDS",
    "CONFIDENTIAL_NOTES",
    "FAMILY_ASSIGNMENTS",
    "may_see",
    "masked_member",
    "of_families",
    "sensitive_fields",
    "PARTICIPATION",
    "REFERRAL",
    "AddMember",
    "AssignCase",
    "ConsentInput",
    "ConsentRow",
    "ConsentWithdrawn",
    "CorrectMember",
    "FamilyInput",
    "FamilyNotRegistered",
    "FamilyRow",
    "MemberInput",
    "MemberNotFound",
    "MemberRow",
    "OpenReferral",
    "PossibleDuplicate",
    "PreviewWithdrawal",
    "ReassignCases",
    "RecordConsent",
    "ReferralConsentWithdrawn",
    "RegisterFamily",
    "RemoveMember",
    "UpdateFamily",
    "WithdrawConsent",
    "WithdrawalPreview",
    "consent_covering",
    "covers",
    "family_view",
    "find_duplicates",
    "has_consent",
    "read_family",
    "read_member",
    "read_member_changes",
    "register_family_in",
    "search_families",
]
