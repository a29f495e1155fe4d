"""Refusals about partners and referrals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from workflow.errors import InvalidInput, NotFound


class PartnerNotFound(InvalidInput):
    def __init__(self, given: str, known: Sequence[str]) -> None:
        super().__init__(f"no active partner {given!r}; partners: {', '.join(known) or 'none'}")


class ReferralConsentMissing(InvalidInput):
    """A referral needs the family's consent to referral, valid that day."""

    def __init__(self, case_id: int, day: date) -> None:
        super().__init__(
            f"case {case_id} has no consent to referral valid on {day.isoformat()}: "
            "record the family's consent covering referral first "
            f"(hogatar consent record {case_id} --purpose referral --given-by MEMBER_ID "
            "--date DATE)"
        )
        self.case_id = case_id
        self.day = day


class ReferralNotFound(NotFound):
    def __init__(self, referral_id: int) -> None:
        super().__init__(f"referral {referral_id} does not exist")


class ReferralResponseRefused(InvalidInput):
    def __init__(
        self, referral_id: int, status: str, response: str, allowed: Sequence[str]
    ) -> None:
        what = ", ".join(allowed) if allowed else "nothing more (it is finished)"
        super().__init__(
            f"referral {referral_id} is {status}: it cannot be marked {response}; "
            f"it can be marked {what}"
        )
