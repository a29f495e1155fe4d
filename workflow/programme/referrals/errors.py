"""Refusals about partners and referrals."""

from __future__ import annotations

from collections.abc import Sequence

from workflow.errors import InvalidInput, NotFound


class PartnerNotFound(InvalidInput):
    def __init__(self, given: str, known: Sequence[str]) -> None:
        super().__init__(f"no active partner {given!r}; partners: {', '.join(known) or 'none'}")


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
