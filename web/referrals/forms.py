"""Reading a referral to a partner, and the partner's answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.shared.forms import LONG_TEXT
from workflow.programme.referrals import CreateReferral, RespondToReferral
from workflow.programme.shared.values import Collector, text_value

#: The partner's answers, in the order a referral goes through them.
RESPONSES = ("acknowledged", "accepted", "declined", "completed")


def referral(values: Mapping[str, Any], *, case_id: int, actor: str) -> CreateReferral:
    problems = Collector()
    partner = text_value(values.get("partner"), "partner", problems, required=True)
    purpose = text_value(
        values.get("purpose"), "purpose", problems, required=True, max_length=LONG_TEXT
    )
    problems.check()
    assert partner is not None and purpose is not None
    return CreateReferral(case_id=case_id, partner=partner, purpose=purpose, actor=actor)


def response(values: Mapping[str, Any], *, referral_id: int, actor: str) -> RespondToReferral:
    """Which answer needs a reason or feedback is the service layer's rule; it reports a
    missing one under ``reason`` / ``feedback``."""
    problems = Collector()
    answer = text_value(values.get("response"), "response", problems, required=True)
    if answer is not None and answer not in RESPONSES:
        problems.add("response", f"is not one of: {', '.join(RESPONSES)}")
    reason = text_value(values.get("reason"), "reason", problems, max_length=LONG_TEXT)
    feedback = text_value(values.get("feedback"), "feedback", problems, max_length=LONG_TEXT)
    problems.check()
    assert answer is not None
    return RespondToReferral(
        referral_id=referral_id,
        response=answer,
        actor=actor,
        # Only the answer that needs it carries it: a reason typed into the "declined"
        # box is not kept when the referral is marked accepted.
        reason=reason if answer == "declined" else None,
        feedback=feedback if answer == "completed" else None,
    )
