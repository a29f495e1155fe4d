"""The face of referrals/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.referrals.commands import (
    AddPartner,
    AnswerReferralLink,
    CreateReferral,
    DeactivatePartner,
    EditPartner,
    OpenReferralLink,
    ResendReferralLink,
    RespondToReferral,
    RevokeReferralLinks,
    SweepReferralDeadlines,
)
from workflow.programme.referrals.errors import (
    PartnerNotFound,
    ReferralAnsweredMeanwhile,
    ReferralConsentMissing,
    ReferralLinkRefused,
    ReferralLinkResendRefused,
    ReferralNotFound,
    ReferralResponseRefused,
)
from workflow.programme.referrals.links import (
    PARTNER_ACTOR,
    RESPONSE_STATUS,
    PartnerView,
    link_path,
    link_state,
)
from workflow.programme.referrals.models import ReferralLinkRow, ReferralRow
from workflow.programme.referrals.partners import referring_triggers
from workflow.programme.referrals.queries import (
    ReferralFilter,
    list_partners,
    list_referrals,
    referral_counts,
    referral_page,
)

__all__ = [
    "PARTNER_ACTOR",
    "RESPONSE_STATUS",
    "AddPartner",
    "AnswerReferralLink",
    "CreateReferral",
    "DeactivatePartner",
    "EditPartner",
    "OpenReferralLink",
    "PartnerNotFound",
    "PartnerView",
    "ReferralAnsweredMeanwhile",
    "ReferralConsentMissing",
    "ReferralFilter",
    "ReferralLinkRefused",
    "ReferralLinkResendRefused",
    "ReferralLinkRow",
    "ReferralNotFound",
    "ReferralResponseRefused",
    "ReferralRow",
    "ResendReferralLink",
    "RespondToReferral",
    "RevokeReferralLinks",
    "SweepReferralDeadlines",
    "link_path",
    "link_state",
    "list_partners",
    "list_referrals",
    "referral_counts",
    "referral_page",
    "referring_triggers",
]
