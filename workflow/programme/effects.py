"""The programme's effects by name: what transitions declare in config/workflows and
what features queue themselves. Each handler runs in a worker's unit of work, exactly
once per outbox row (the ledger), and may queue further effects."""

from __future__ import annotations

from workflow.programme.foster_care import EFFECTS as FOSTER_EFFECTS
from workflow.programme.procurement import orders, requests
from workflow.programme.referrals import effects as referrals
from workflow.programme.reminders import effects as reminders
from workflow.programme.reminders import services as reminder_schedule
from workflow.runtime import EffectHandler, EffectRegistry

HANDLERS: dict[str, EffectHandler] = {
    # Declared by the family workflow's transitions.
    "reminders.enrolment_decision_due": reminder_schedule.schedule_enrolment_decision,
    "referrals.notify_partners": referrals.notify_partners,
    "procurement.request_goods": requests.request_goods_effect,
    # Queued by staff actions and by beat's sweeps.
    "referrals.send": referrals.send_referral,
    "referrals.remind_partner": referrals.remind_partner,
    "referrals.send_link": referrals.send_link,
    "referrals.escalate": referrals.escalate_referral,
    "reminders.send": reminders.send_reminder,
    "reminders.escalate": reminders.escalate_reminder,
    "procurement.send_purchase_order": orders.send_purchase_order,
    # Declared by the foster-care workflow's transitions (workflow/programme/foster_care).
    **FOSTER_EFFECTS,
}


def register(registry: EffectRegistry) -> None:
    for name, handler in HANDLERS.items():
        registry.register(name)(handler)
