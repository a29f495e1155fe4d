"""Commands about a family and its case (imperative) and what they return (past tense):
registration, details, members, consent, assignment.

Values in commands are already read and cleaned (see ``forms``); handlers still check
everything that needs the database or the reference data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class MemberInput:
    role: str
    full_name: str
    date_of_birth: date | None = None
    disability: bool = False
    health_notes: str | None = None


@dataclass(frozen=True)
class ConsentInput:
    """A consent as given: its purposes are codes of ``consent_purposes``
    (config/programme/lists.toml); it was given by a household member of the case
    (``given_by_member_id``) or by a guardian / legal representative named in
    ``given_by_name``."""

    purposes: tuple[str, ...]
    given_on: date
    expires_on: date | None = None
    given_by_member_id: int | None = None
    given_by_name: str | None = None
    note: str | None = None
    document_id: int | None = None


@dataclass(frozen=True)
class FamilyInput:
    family_name: str
    #: A community code, or its name in English or Armenian.
    community: str
    members: tuple[MemberInput, ...]
    address: str | None = None
    phone: str | None = None
    referral_partner_type: str | None = None
    referral_partner_name: str | None = None
    state_benefit: bool = False
    consent: ConsentInput | None = None


@dataclass(frozen=True)
class RegisterFamily:
    actor: str
    family: FamilyInput
    #: The worker saw the possible-duplicate warning and registers the family anyway.
    confirm_duplicate: bool = False


@dataclass(frozen=True)
class UpdateFamily:
    case_id: int
    actor: str
    #: Only the fields to change: address, phone, community, family_name,
    #: referral_partner_type, referral_partner_name, state_benefit.
    changes: Mapping[str, Any]
    expected_version: int | None = None
    #: The worker saw the possible-duplicate warning (a new phone shared with a parent of
    #: another open case) and saves the change anyway.
    confirm_duplicate: bool = False


@dataclass(frozen=True)
class AddMember:
    case_id: int
    actor: str
    member: MemberInput
    confirm_duplicate: bool = False
    expected_version: int | None = None


@dataclass(frozen=True)
class CorrectMember:
    """Correct what the file says of a household member.

    ``changes`` holds only the fields to change (role, full_name, date_of_birth,
    disability, health_notes), already read (``forms.read_member_changes``); a field left
    out is kept as it is, so a reader who may not see the health notes never wipes them."""

    case_id: int
    member_id: int
    actor: str
    changes: Mapping[str, Any]
    confirm_duplicate: bool = False
    expected_version: int | None = None


@dataclass(frozen=True)
class RemoveMember:
    """A member leaves the household (or was entered by mistake): marked removed with who,
    when and why, never deleted."""

    case_id: int
    member_id: int
    actor: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordConsent:
    case_id: int
    actor: str
    consent: ConsentInput
    expected_version: int | None = None


@dataclass(frozen=True)
class WithdrawConsent:
    case_id: int
    actor: str
    withdrawn_on: date
    reason: str | None = None
    #: Only these purposes (codes); none: every consent on file. Withdrawing
    #: participation closes the case; withdrawing only referral (say) does not.
    purposes: tuple[str, ...] = ()
    expected_version: int | None = None


@dataclass(frozen=True)
class PreviewWithdrawal:
    """What ``withdrawal`` would do, before anything is written: whether the case closes
    and which referrals are still open with partners."""

    withdrawal: WithdrawConsent


@dataclass(frozen=True)
class AssignCase:
    case_id: int
    actor: str
    social_worker: str | None = None
    psychologist: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class ReassignCases:
    """A worker leaves: every open case of theirs moves to another worker of the same role."""

    from_staff: str
    to_staff: str
    actor: str


@dataclass(frozen=True)
class FamilyRegistered:
    case_id: int
    family_id: int
    version: int
    duplicates_confirmed: tuple[int, ...] = ()


@dataclass(frozen=True)
class OpenReferral:
    """A referral still open when its consent was withdrawn (filled in by referrals/)."""

    referral_id: int
    partner: str
    status: str


@dataclass(frozen=True)
class ReferralConsentWithdrawn:
    """Announced in the withdrawing transaction; referrals/ answers with the family's
    referrals still open, so the worker can tell those partners."""

    case_id: int
    open_referrals: list[OpenReferral] = field(default_factory=list)


@dataclass(frozen=True)
class ConsentWithdrawn:
    case_id: int
    #: The state the case was closed from; none when it stays open (only purposes
    #: other than participation were withdrawn).
    closed_from: str | None
    version: int
    outbox_ids: tuple[int, ...] = ()
    purposes: tuple[str, ...] = ()
    open_referrals: tuple[OpenReferral, ...] = ()


@dataclass(frozen=True)
class WithdrawalPreview:
    case_id: int
    #: The purposes the family would withdraw (all on file when none were chosen).
    purposes: tuple[str, ...]
    #: Whether the case would be closed, and from which state.
    closes: bool
    state: str
    version: int
    open_referrals: tuple[OpenReferral, ...] = ()


@dataclass(frozen=True)
class CasesReassigned:
    role: str
    from_staff: str
    to_staff: str
    case_ids: tuple[int, ...] = field(default_factory=tuple)
