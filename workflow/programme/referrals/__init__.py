"""The face of referrals/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.referrals.commands import (
    CreateReferral,
    RespondToReferral,
    SweepReferralDeadlines,
)
from workflow.programme.referrals.errors import (
    PartnerNotFound,
    ReferralConsentMissing,
    ReferralNotFound,
    ReferralResponseRefused,
)
from workflow.programme.referrals.models import ReferralRow
from workflow.programme.referrals.queries import (
    ReferralFilter,
    list_partners,
    list_referrals,
    referral_counts,
    referral_page,
)

__all__ = [
    "CreateReferral",
    "PartnerNotFound",
    "ReferralConsentMissing",
    "ReferralFilter",
    "ReferralNotFound",
    "ReferralResponseRefused",
    "ReferralRow",
    "RespondToReferral",
    "SweepReferralDeadlines",
    "list_partners",
    "list_referrals",
    "referral_counts",
    "referral_page",
]
