"""The programme's effects by name: what transitions declare in config/workflows and
what features queue themselves. Each handler runs in a worker's unit of work, exactly
once per outbox row (the ledger), and may queue further effects."""

from __future__ import annotations

from workflow.programme.procurement import orders
from workflow.programme.procurement import requests as procurement
from workflow.programme.referrals import effects as referrals_effects
from workflow.programme.reminders import effects as reminders_effects
from workflow.programme.reminders import services as reminders
from workflow.runtime import EffectHandler, EffectRegistry

HANDLERS: dict[str, EffectHandler] = {
    # Declared by the family workflow's transitions.
    "reminders.enrolment_decision_due": reminders.schedule_enrolment_decision,
    "referrals.notify_partners": referrals_effects.notify_partners,
    "procurement.request_goods": procurement.request_goods_effect,
    # Queued by staff actions and by beat's sweeps.
    "referrals.send": referrals_effects.send_referral,
    "referrals.remind_partner": referrals_effects.remind_partner,
    "referrals.escalate": referrals_effects.escalate_referral,
    "reminders.send": reminders_effects.send_reminder,
    "reminders.escalate": reminders_effects.escalate_reminder,
    "procurement.send_purchase_order": orders.send_purchase_order,
}


def register(registry: EffectRegistry) -> None:
    for name, handler in HANDLERS.items():
        registry.register(name)(handler)
