"""Reading a partner's answer from the page its link opens."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.shared.forms import LONG_TEXT
from workflow.programme.referrals import RESPONSE_STATUS, AnswerReferralLink
from workflow.programme.shared.values import Collector, text_value


def answer(values: Mapping[str, Any], *, referral_id: int, token: str) -> AnswerReferralLink:
    """Which answer needs a reason or feedback is the service layer's rule (the staff's
    own); it reports a missing one under ``reason`` / ``feedback``."""
    problems = Collector()
    response = text_value(values.get("response"), "response", problems, required=True)
    if response is not None and response not in RESPONSE_STATUS:
        problems.add("response", f"is not one of: {', '.join(RESPONSE_STATUS)}")
    reason = text_value(values.get("reason"), "reason", problems, max_length=LONG_TEXT)
    feedback = text_value(values.get("feedback"), "feedback", problems, max_length=LONG_TEXT)
    seen = values.get("seen_status")
    problems.check()
    assert response is not None
    return AnswerReferralLink(
        referral_id=referral_id,
        token=token,
        response=response,
        # The status the form was made for: an answer sent again finds the referral moved on.
        seen_status=seen if isinstance(seen, str) and seen else None,
        reason=reason if response == "declined" else None,
        feedback=feedback if response == "completed" else None,
    )
