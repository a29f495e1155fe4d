"""Referrals a page looks up: one by id (checked to be the staff's to see), those
awaiting the partner's answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from web.shared.lookups import case_of_row
from workflow.programme import referrals as programme_referrals
from workflow.programme.referrals import ReferralNotFound, ReferralRow
from workflow.runtime import Runtime

#: Referrals the partner has not answered yet (acknowledging receipt is no answer).
AWAITING_ANSWER = ("sent", "acknowledged")


def referrals_awaiting_answer(rt: Runtime) -> int:
    with rt.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(ReferralRow)
                .where(ReferralRow.status.in_(AWAITING_ANSWER))
            )
            or 0
        )


def referral(rt: Runtime, referral_id: int) -> dict[str, Any]:
    """One referral as ``list_referrals`` shows it (its case's list is short)."""
    case_id = case_of_row(
        rt, ReferralRow.case_id, ReferralRow.id, referral_id, ReferralNotFound(referral_id)
    )
    rows = programme_referrals.list_referrals(rt, case_id=case_id)
    return next(row for row in rows if row["id"] == referral_id)
