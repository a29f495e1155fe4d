"""Translated names of what the engine and the case model store as codes.

States, criteria, services, roles and the other lists carry both languages in config/
(``label`` picks one); what only the code knows (triggers, timeline entries, effects,
statuses, guard requirements) is listed here for gettext.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from web.i18n import N_, gettext, label
from workflow.programme.reference import Item, reference

TRIGGERS = {
    "open": N_("Case opened"),
    "assess": N_("Mark as assessed"),
    "enrol": N_("Enrol in the programme"),
    "start_services": N_("Start services"),
    "stabilise": N_("Mark as economically stabilised"),
    "close": N_("Close the case"),
    "reopen": N_("Reopen the case"),
}

#: Timeline entries that change the case file without moving the case.
TIMELINE = {
    "register_family": N_("Family registered"),
    "update_family": N_("Family details changed"),
    "add_member": N_("Household member added"),
    "record_consent": N_("Consent recorded"),
    "withdraw_consent": N_("Consent withdrawn"),
    "record_assessment": N_("Assessment recorded"),
    "record_income": N_("Income source recorded"),
    "plan_service": N_("Service planned"),
    "start_service": N_("Service started"),
    "record_delivery": N_("Service delivery recorded"),
    "cancel_service": N_("Planned service cancelled"),
    "record_counselling": N_("Counselling session recorded"),
    "assign": N_("Staff assigned"),
    "reassign": N_("Case reassigned"),
}

EFFECTS = {
    "reminders.enrolment_decision_due": N_("Reminder: enrolment decision due"),
    "referrals.notify_partners": N_("Referral to partners"),
    "procurement.request_goods": N_("Procurement request"),
    "reminders.counselling_follow_up": N_("Reminder: counselling follow-up"),
    "reminders.stabilisation_check": N_("Reminder: stabilisation check"),
    "referrals.notify_closure": N_("Partners told of the closure"),
    "reminders.reassessment_due": N_("Reminder: re-assessment due"),
}

OUTBOX_STATUSES = {
    "pending": N_("waiting to be sent"),
    "published": N_("queued"),
    "done": N_("done"),
    "failed": N_("failed"),
}

SERVICE_STATUSES = {
    "planned": N_("planned"),
    "in_progress": N_("in progress"),
    "delivered": N_("delivered"),
    "cancelled": N_("cancelled"),
}

COUNSELLING_KINDS = {"individual": N_("Individual"), "group": N_("Group")}

#: What each guard asks for, said in the interface's language (the engine's own message,
#: in English, is kept for the API and the CLI).
GUARDS = {
    "assessment_recorded": N_("An assessment is recorded"),
    "abandonment_risk": N_("The latest assessment finds a risk of child abandonment"),
    "consent_on_file": N_("The family's consent is on file"),
    "enough_criteria": N_("Enough additional criteria are met in the latest assessment"),
    "service_planned": N_("The service plan has at least one planned service"),
    "social_worker_assigned": N_("A social worker is assigned to the case"),
    "stabilisation_evidence": N_(
        "Evidence of economic stabilisation: vocational training completed and its tools "
        "delivered, or an income source with a start date"
    ),
    "closure_reason_given": N_("A closure reason from the list"),
    "reason_given": N_("A reason"),
}


def _known(table: dict[str, str], code: str) -> str:
    message = table.get(code)
    return gettext(message) if message else code.replace("_", " ")


def trigger(code: str) -> str:
    return _known(TRIGGERS, code) if code in TRIGGERS else _known(TIMELINE, code)


def effect(code: str) -> str:
    return _known(EFFECTS, code)


def outbox_status(code: str) -> str:
    return _known(OUTBOX_STATUSES, code)


def service_status(code: str) -> str:
    return _known(SERVICE_STATUSES, code)


def counselling_kind(code: str) -> str:
    return _known(COUNSELLING_KINDS, code)


def guard(name: str, fallback: str) -> str:
    message = GUARDS.get(name)
    return gettext(message) if message else fallback


def _item_label(items: Iterable[Item], code: str | None) -> str:
    if not code:
        return ""
    for item in items:
        if item.code == code:
            return label(item.labels, code)
    return code


def criterion(code: str) -> str:
    ref = reference()
    if code == ref.primary_criterion.code:
        return label(ref.primary_criterion.labels, code)
    return _item_label(ref.additional_criteria, code)


def service(code: str) -> str:
    found = reference().services.get(code)
    return label(found.labels, code) if found else code


def category(code: str) -> str:
    return label(reference().categories.get(code, {}), code)


def staff_role(code: str) -> str:
    return _item_label(reference().staff_roles, code)


def member_role(code: str) -> str:
    return _item_label(reference().member_roles, code)


def partner_type(code: str | None) -> str:
    return _item_label(reference().partner_types, code)


def closure_reason(code: str | None) -> str:
    return _item_label(reference().closure_reasons, code)


def income_kind(code: str) -> str:
    return _item_label(reference().income_kinds, code)


# Choices for <select>: (value, text in the current language).


def item_options(items: Iterable[Item]) -> list[tuple[str, str]]:
    return [(item.code, label(item.labels, item.code)) for item in items]


def service_options(ref: Any) -> list[tuple[str, str]]:
    return [
        (code, f"{category(service.category)} · {label(service.labels, code)}")
        for code, service in ref.services.items()
    ]


def staff_options(staff: Iterable[Any]) -> list[tuple[str, str]]:
    return [(person.username, person.full_name) for person in staff]


def community_options(communities: Iterable[Any]) -> list[tuple[str, str]]:
    return [(c.code, label(c.labels, c.code)) for c in communities]
