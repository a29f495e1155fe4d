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


class ReferralLinkRefused(InvalidInput):
    """A partner's link that may not be used: ``why`` is expired, revoked,
    wrong_referral (issued for another referral) or unknown (not a link at all);
    ``language`` the partner's, for the page that says so."""

    WORDS = {
        "expired": "has expired",
        "revoked": "was revoked (a newer link may have been sent)",
        "wrong_referral": "was made for another referral",
        "unknown": "is not a valid link",
    }

    def __init__(self, why: str, referral_id: int, *, language: str | None) -> None:
        super().__init__(
            f"the link to referral {referral_id} {self.WORDS.get(why, why)}: nothing was "
            "changed; ask the social worker for a new link"
        )
        self.why = why
        self.referral_id = referral_id
        self.language = language


class ReferralAnsweredMeanwhile(InvalidInput):
    """The partner's form was made for a status the referral has left: the same answer
    sent twice, or another answer recorded first."""

    def __init__(self, referral_id: int, *, seen: str, now: str, response: str) -> None:
        super().__init__(
            f"referral {referral_id} was {seen} when the form was opened and is {now} now: "
            "the answer was not recorded again"
        )
        self.referral_id = referral_id
        self.seen = seen
        self.now = now
        self.response = response


class ReferralLinkResendRefused(InvalidInput):
    def __init__(self, referral_id: int, status: str) -> None:
        super().__init__(
            f"referral {referral_id} is {status}: a new link is sent only while the partner "
            "still has something to answer (sent, acknowledged or accepted)"
        )
        self.referral_id = referral_id
        self.status = status
