"""Commands about partners and referrals, and what they return."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AddPartner:
    code: str
    type: str
    name_hy: str
    name_en: str
    email: str
    actor: str
    language: str = "hy"


@dataclass(frozen=True)
class CreateReferral:
    case_id: int
    partner: str
    purpose: str
    actor: str


@dataclass(frozen=True)
class RespondToReferral:
    """The partner's answer, recorded by staff: acknowledged, accepted, declined, completed."""

    referral_id: int
    response: str
    actor: str
    reason: str | None = None
    feedback: str | None = None
    # Set when the partner answered itself, through the link in its mail.
    link_id: int | None = None


@dataclass(frozen=True)
class OpenReferralLink:
    """The partner opens the link from its mail (no account)."""

    referral_id: int
    token: str


@dataclass(frozen=True)
class AnswerReferralLink:
    """The partner's answer through its link; ``seen_status`` is the referral's status
    the partner's form was made for (None: not checked)."""

    referral_id: int
    token: str
    response: str
    seen_status: str | None
    reason: str | None = None
    feedback: str | None = None


@dataclass(frozen=True)
class RevokeReferralLinks:
    referral_id: int
    actor: str


@dataclass(frozen=True)
class ResendReferralLink:
    """Revoke the referral's links and mail the partner a new one."""

    referral_id: int
    actor: str


@dataclass(frozen=True)
class PartnerAdded:
    partner_id: int


@dataclass(frozen=True)
class ReferralCreated:
    referral_id: int
    case_id: int


@dataclass(frozen=True)
class ReferralChanged:
    referral_id: int
    status: str


@dataclass(frozen=True)
class SweepReferralDeadlines:
    """Beat, hourly: remind silent partners, then tell the managers."""


@dataclass(frozen=True)
class EditPartner:
    """A partner's names, type, mail address or mail language; None leaves one as it is.
    Its code (which partners.toml's automatic referrals name) stays."""

    code: str
    actor: str
    type: str | None = None
    name_hy: str | None = None
    name_en: str | None = None
    email: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class DeactivatePartner:
    """A partner no longer worked with: no new referral goes to it, by hand or by a
    transition; referrals already made keep it."""

    code: str
    actor: str
