"""Translated names of what the engine and the case model store as codes.

States, criteria, services, roles and the other lists carry both languages in config/
(``label`` picks one); what only the code knows (triggers, timeline entries, effects,
statuses, guard requirements) is listed here for gettext.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from web.shared.i18n import N_, current_language, gettext, label
from web.shared.permissions import ROLES, Permission, allowed
from workflow.definition import WorkflowDefinition
from workflow.programme import reminders
from workflow.programme.foster_care import foster_rules
from workflow.programme.inbox import SYSTEM_ACTOR
from workflow.programme.notes import note_rules
from workflow.programme.referrals import PARTNER_ACTOR
from workflow.programme.shared.policies import policies
from workflow.programme.shared.reference import Item, reference

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
    "correct_member": N_("Household member corrected"),
    "remove_member": N_("Household member removed"),
    "record_consent": N_("Consent recorded"),
    "withdraw_consent": N_("Consent withdrawn"),
    "record_assessment": N_("Assessment recorded"),
    "record_income": N_("Income source recorded"),
    "plan_service": N_("Service planned"),
    "start_service": N_("Service started"),
    "record_delivery": N_("Service delivery recorded"),
    "cancel_service": N_("Planned service cancelled"),
    "record_counselling": N_("Counselling session recorded"),
    # Case notes (workflow/programme/notes): the entry names the note, never its text.
    "add_note": N_("Note written"),
    "correct_note": N_("Note corrected"),
    # Documents (workflow/programme/documents): the entry names the kind, never the file.
    "add_document": N_("Document attached"),
    "assign": N_("Staff assigned"),
    "reassign": N_("Case reassigned"),
    # An operator moved the case to another version of its workflow.
    "migrate_workflow": N_("Moved to another version of the workflow"),
    # The foster-care pilot's records.
    "register_foster_inquiry": N_("Foster family inquiry registered"),
    "record_foster_application": N_("Application recorded"),
    "record_foster_home_assessment": N_("Home assessment recorded"),
    "record_foster_training": N_("Training session recorded"),
    "record_commission_decision": N_("Commission's decision recorded"),
    "record_foster_match": N_("Child matched"),
    "record_foster_placement": N_("Placement recorded"),
    "record_foster_visit": N_("Monitoring visit recorded"),
    # Home visits and the plan's goals and reviews (workflow/programme/visits).
    "record_home_visit": N_("Home visit recorded"),
    "add_plan_goal": N_("Plan goal added"),
    "update_plan_goal": N_("Plan goal changed"),
    "record_plan_review": N_("Plan review recorded"),
}

EFFECTS = {
    "reminders.enrolment_decision_due": N_("Reminder: enrolment decision due"),
    "referrals.notify_partners": N_("Referral to partners"),
    "procurement.request_goods": N_("Procurement request"),
    "reminders.counselling_follow_up": N_("Reminder: counselling follow-up"),
    "reminders.stabilisation_check": N_("Reminder: stabilisation check"),
    "referrals.notify_closure": N_("Partners told of the closure"),
    "reminders.reassessment_due": N_("Reminder: re-assessment due"),
    "referrals.send": N_("Referral mail to the partner"),
    "referrals.remind_partner": N_("Reminder mail to the partner"),
    "referrals.send_link": N_("New answer link mailed to the partner"),
    "referrals.escalate": N_("Unanswered referral: mail to the manager"),
    "reminders.send": N_("Reminder to staff"),
    "reminders.escalate": N_("Unacknowledged reminder: mail to the manager"),
    "procurement.send_purchase_order": N_("Purchase order mail to the supplier"),
    "referrals.foster_commission_submission": N_("Submission mailed to the commission"),
    "reminders.foster_monitoring_visit": N_("Reminder: first monitoring visit"),
    "procurement.foster_starter_kit": N_("Starter kit requested"),
}

#: Work done around a case without changing it (``case_activities``), on the timeline.
ACTIVITIES = {
    "referral_created": N_("Referral created"),
    # Retention (workflow/programme/privacy): the file's personal data was removed.
    "anonymised": N_("Personal data removed under the retention rule"),
    "referral_withheld": N_("Referral not sent: the family no longer consents to referral"),
    "referral_sent": N_("Referral sent to the partner"),
    "referral_acknowledged": N_("The partner acknowledged the referral"),
    "referral_accepted": N_("The partner accepted the referral"),
    "referral_declined": N_("The partner declined the referral"),
    "referral_completed": N_("The referral is completed"),
    "referral_partner_reminded": N_("The partner was reminded of the referral"),
    "referral_escalated": N_("Unanswered referral passed to the manager"),
    # The partner's own link (workflow/programme/referrals/links.py).
    "referral_link_opened": N_("The partner opened the answer link"),
    "referral_link_sent": N_("A new answer link was mailed to the partner"),
    "referral_link_revoked": N_("The partner's answer link was revoked"),
    "referral_link_resend_requested": N_("A new answer link was requested for the partner"),
    "referral_link_refused_expired": N_("Refused: the partner's answer link had expired"),
    "referral_link_refused_revoked": N_("Refused: the partner's answer link had been revoked"),
    "referral_link_refused_wrong_referral": N_(
        "Refused: an answer link made for another referral was used"
    ),
    "referral_link_refused_unknown": N_("Refused: an answer link that is not valid was used"),
    "referral_link_refused_answered": N_(
        "Refused: the partner sent an answer again after the referral had moved on"
    ),
    "reminder_scheduled": N_("Reminder scheduled"),
    "reminder_sent": N_("Reminder sent"),
    "reminder_acknowledged": N_("Reminder acknowledged"),
    "reminder_escalated": N_("Unacknowledged reminder passed to the manager"),
    "reminders_cancelled": N_("Waiting reminders cancelled"),
    "procurement_requested": N_("Goods requested"),
    "procurement_approved": N_("Procurement request approved"),
    "procurement_first_approved": N_(
        "Procurement request approved once; a second approver is needed"
    ),
    # Steps that need approval (workflow/approval_requests.py).
    "approval_requested": N_("Requested; waiting for approval"),
    "approval_given": N_("Approved at one tier; waiting for the next approver"),
    "approval_approved": N_("Approved: the requested step was taken"),
    "approval_rejected": N_("Request rejected"),
    "approval_cancelled": N_("Request withdrawn"),
    "approval_lapsed": N_("Request lapsed: the case had moved on"),
    "procurement_ordered": N_("Goods ordered"),
    "procurement_cancelled": N_("Procurement request cancelled"),
    "incident_retried": N_("Failed background work run again by an operator"),
    "incident_skipped": N_("Failed background work skipped by an operator"),
    "referrals_held_no_consent": N_("Referrals to partners not sent: no consent to referral"),
    "foster_commission_mailed": N_("Submission mailed to the commission"),
}

REFERRAL_STATUSES = {
    "queued": N_("queued"),
    "sent": N_("sent"),
    "acknowledged": N_("acknowledged"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "completed": N_("completed"),
    "withheld": N_("not sent: no consent to referral"),
}

#: The partner's answers, as the buttons that record them say.
REFERRAL_RESPONSES = {
    "acknowledged": N_("Receipt acknowledged"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "completed": N_("Completed"),
}

REMINDER_STATUSES = {
    "scheduled": N_("scheduled"),
    "sending": N_("being sent"),
    "sent": N_("sent"),
    "acknowledged": N_("acknowledged"),
    "escalated": N_("passed to the manager"),
    "cancelled": N_("cancelled"),
}

#: Reminder kinds, and the other kinds of inbox items.
REMINDER_KINDS = {
    "counselling_follow_up": N_("Counselling follow-up due"),
    "enrolment_decision": N_("Enrolment decision due"),
    "reminder_escalation": N_("A reminder was not acknowledged"),
    "referral_escalation": N_("A partner has not answered a referral"),
    "referrals_held_no_consent": N_("Referrals to partners not sent: no consent to referral"),
    "foster_monitoring_visit": N_("Monitoring visit due"),
    "approval_decision": N_("A request waits for your approval"),
    "home_visit_due": N_("Home visit due"),
    "plan_review_due": N_("Plan review due"),
    "document_expiry": N_("A document expires soon"),
}

PROCUREMENT_STATUSES = {
    "requested": N_("requested"),
    "approved": N_("approved"),
    "ordered": N_("ordered"),
    # Not "delivered": in Armenian goods are received, services are delivered.
    "delivered": N_("goods received"),
    "cancelled": N_("cancelled"),
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

#: What each guard still needs, said as what to do next in the interface's language (the
#: engine's own message, in English, is kept for the API and the CLI).
GUARDS = {
    "assessment_recorded": N_("Record an assessment of the family"),
    "abandonment_risk": N_(
        "Record an assessment that finds a risk of child abandonment (the latest one does not)"
    ),
    "consent_on_file": N_("Record the family's consent"),
    "enough_criteria": N_(
        "Record an assessment that meets enough additional criteria (the latest one does not)"
    ),
    "service_planned": N_("Plan at least one service"),
    "social_worker_assigned": N_("Assign a social worker to the case"),
    "stabilisation_evidence": N_(
        "Record the evidence of economic stabilisation: a vocational training completed with "
        "its tools delivered, or an income source with a start date"
    ),
    "closure_reason_given": N_("Choose a closure reason from the list"),
    "reason_given": N_("Give a reason"),
    # The foster-care pilot's.
    "foster_application_recorded": N_("Record the family's written application"),
    "foster_documents_complete": N_(
        "Record the application documents still missing (the case page lists them)"
    ),
    "foster_home_assessment_recommends": N_(
        "Record a home assessment that recommends the family, or close the case"
    ),
    "foster_training_completed": N_(
        "Record the training sessions of the modules not attended yet (the case page lists them)"
    ),
    "foster_commission_approved": N_(
        "Record the commission's decision approving the family, with its number and date"
    ),
    "foster_child_matched": N_("Record the child matched with the family"),
    "foster_placement_recorded": N_("Record the placement of the matched child with its date"),
}


def _known(table: dict[str, str], code: str) -> str:
    message = table.get(code)
    return gettext(message) if message else code.replace("_", " ")


def trigger(code: str) -> str:
    return _known(TRIGGERS, code) if code in TRIGGERS else _known(TIMELINE, code)


def trigger_in(code: str, definition: WorkflowDefinition | None) -> str:
    """A step's name as the case's own definition calls it in the page's language; where
    the definition names it not, the programme's translated name of the trigger."""
    if definition is not None:
        named = definition.trigger_label(code, current_language())
        if named != code:
            return named
    return trigger(code)


def state_in(code: str | None, definition: WorkflowDefinition | None) -> str:
    """A state's name from the case's own definition, in the page's language."""
    if not code:
        return ""
    if definition is not None:
        named = definition.state_label(code, current_language())
        if named != code:
            return named
    return code.replace("_", " ")


def activity(code: str) -> str:
    return _known(ACTIVITIES, code)


#: What an access-log entry records (workflow/programme/privacy).
ACCESS_KINDS = {
    "view_case": N_("Viewed the case file"),
    "view_family": N_("Viewed the family's file (command line)"),
    "download_document": N_("Downloaded a document"),
    "export_cases": N_("Exported the cases"),
    "export_report": N_("Downloaded a report"),
    "subject_access_export": N_("Exported the family's file for the family"),
}


def access_kind(code: str) -> str:
    return _known(ACCESS_KINDS, code)


def referral_status(code: str) -> str:
    return _known(REFERRAL_STATUSES, code)


def referral_response(code: str) -> str:
    return _known(REFERRAL_RESPONSES, code)


def reminder_status(code: str) -> str:
    return _known(REMINDER_STATUSES, code)


def reminder_kind(code: str) -> str:
    return _known(REMINDER_KINDS, code)


def procurement_status(code: str) -> str:
    return _known(PROCUREMENT_STATUSES, code)


def partner_name(row: Mapping[str, Any]) -> str:
    """A partner's name in the page's language (partners carry both, as data)."""
    return label({"hy": row.get("partner_name_hy") or "", "en": row.get("partner_name_en") or ""})


def supplier(code: str) -> str:
    found = policies().suppliers.get(code)
    return found.name if found else code


def budget_line(code: str) -> str:
    found = policies().budget_lines.get(code)
    return label(found.labels, code) if found else code


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


#: Reasons the programme writes itself (codes), and the English sentences older rows hold.
SYSTEM_REASONS = {
    reminders.CLOSED: N_("the case is closed"),
    reminders.ENROLMENT_DECIDED: N_("the enrolment is decided"),
    reminders.FOLLOW_UP_RECORDED: N_("the follow-up session is recorded"),
    reminders.APPROVAL_DECIDED: N_("the request is decided"),
    "case closed": N_("the case is closed"),
    "enrolment decided": N_("the enrolment is decided"),
    "follow-up session recorded": N_("the follow-up session is recorded"),
    "monitoring_visit_recorded": N_("the monitoring visit is recorded"),
    "home_visit_recorded": N_("the home visit is recorded"),
    "plan_review_recorded": N_("the plan review is recorded"),
}


def reason(text: str | None) -> str:
    """A reason on the timeline or a reminder: the programme's own in the reader's
    language; one a member of staff typed, as typed."""
    if not text:
        return ""
    message = SYSTEM_REASONS.get(text)
    return gettext(message) if message else text


def actor(name: str | None) -> str:
    """Who did something: the programme itself by its name, staff by their username."""
    if name and name.startswith(PARTNER_ACTOR):
        # The partner answered through the link in its mail.
        return gettext("Partner %(code)s (by its link)") % {"code": name[len(PARTNER_ACTOR) :]}
    return gettext("Hogatar") if name == SYSTEM_ACTOR else (name or "")


def who_can(permission: Permission) -> str:
    """The roles that may do something, by name: "Social worker, Programme manager". The
    administrator, who may do everything, is named only where nobody else may."""
    roles = [role for role in ROLES if allowed(role, permission)]
    named = [role for role in roles if role != "admin"] or roles
    return ", ".join(staff_role(role) for role in named)


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
    """A closure reason of the family programme's list or of the foster-care pilot's."""
    return _item_label([*reference().closure_reasons, *foster_rules().closure_reasons], code)


def foster_document(code: str) -> str:
    return _item_label(foster_rules().required_documents, code)


def foster_module(code: str) -> str:
    return _item_label(foster_rules().modules, code)


def foster_outcome(code: str) -> str:
    return _item_label(foster_rules().outcomes, code)


def income_kind(code: str) -> str:
    return _item_label(reference().income_kinds, code)


def note_kind(code: str) -> str:
    return _item_label(note_rules().kinds, code)


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


def response_options(responses: Iterable[str]) -> list[tuple[str, str]]:
    return [(code, referral_response(code)) for code in responses]


def partner_options(partners: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Active partners, by name in the page's language."""
    options = [
        (p["code"], label({"hy": p["name_hy"], "en": p["name_en"]}, p["code"]))
        for p in partners
        if p.get("active", True)
    ]
    return sorted(options, key=lambda option: option[1])
