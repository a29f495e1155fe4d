"""Effects of the programme's workflows.

For now each effect records that it ran and with which inputs (the ledger keeps the
returned mapping); partner e-mails, reminder rows and procurement requests replace
these bodies as those features land. The delivery guarantees do not depend on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.effects import EffectContext, EffectRegistry

PROGRAMME_EFFECTS = (
    "reminders.enrolment_decision_due",
    "referrals.notify_partners",
    "procurement.request_goods",
    "reminders.counselling_follow_up",
    "reminders.stabilisation_check",
    "referrals.notify_closure",
    "reminders.reassessment_due",
)


def record_inputs(context: EffectContext) -> Mapping[str, Any]:
    return {
        "effect": context.effect,
        "case_id": context.case_id,
        "attempt": context.attempt,
        "inputs": dict(context.payload),
    }


def register(registry: EffectRegistry) -> None:
    for name in PROGRAMME_EFFECTS:
        registry.register(name)(record_inputs)
