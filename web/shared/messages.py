"""What the interface says about errors and successes, in the reader's language.

The service layer words its problems in English for the CLI and the logs; here the
common ones are recognised and said again through gettext. A problem not recognised
is shown as the service layer worded it, rather than hidden.
"""

from __future__ import annotations

import re
from datetime import datetime

from web.shared.edge import RequestTooLarge
from web.shared.i18n import N_, format_datetime, format_money, format_number, gettext
from workflow.errors import (
    ConcurrentUpdate,
    GuardFailed,
    HogatarError,
    NotFound,
    TriggerNotAllowed,
)
from workflow.programme import families as programme_errors
from workflow.programme import foster_care, plans, referrals, reminders
from workflow.programme import procurement as programme_procurement
from workflow.programme import staff as programme_staff
from workflow.programme.shared import errors as shared_errors
from workflow.programme.shared.values import Problems
from workflow.scoping import CaseReadOnly

FIELD_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^is required for a child", N_("The date of birth is required for a child.")),
    (r"^is required: tick what the family agrees to", N_("Tick what the family agrees to.")),
    (
        r"^is required: name the guardian",
        N_("Name the guardian or legal representative who gave the consent."),
    ),
    (
        r"^say who gave the consent",
        N_("Say who gave the consent: a household member, or a guardian by name."),
    ),
    (r"is not a member of this family's household", N_("Choose a member of this household.")),
    (
        r"must not be before the day the consent was given",
        N_("The consent cannot expire before the day it was given."),
    ),
    # Home visits, plan goals and reviews (workflow/programme/visits).
    (r"^is required: at least one member of staff", N_("Choose at least one member of staff.")),
    (r"^no active staff member", N_("Choose an active member of staff.")),
    (
        r"^is required: the members met",
        N_("Tick the household members met, or say in words who else was met."),
    ),
    (r"^is required: say what was decided", N_("Say what was decided about this goal.")),
    (r"^is required when a goal is dropped", N_("Say why the goal is dropped.")),
    (r"has no service plan yet", N_("This case has no service plan yet: set its goals first.")),
    (r"must be after the review", N_("The next review must be after this one.")),
    (r"is in the past", N_("This date is in the past.")),
    (r"does not record home visits", N_("Your role does not record home visits or plans.")),
    (
        r"^check what the withdrawal will do",
        N_("Check what the withdrawal will do, then confirm it."),
    ),
    (
        r"^is the last member of the household",
        N_("This is the household's last member: a family keeps at least one."),
    ),
    (
        r"^is not shown to your role, so you cannot change it",
        N_("This field is not shown to your role, so you cannot change it."),
    ),
    (r"^is required", N_("This field is required.")),
    (r"is in the future", N_("This date is in the future.")),
    (r"is not a date", N_("This is not a date; use the form 15.03.2024.")),
    (r"is not a whole number", N_("Enter a whole number.")),
    (r"^must be at least (?P<minimum>\d+)", N_("The number must be at least %(minimum)s.")),
    (r"^cannot be negative", N_("The number cannot be negative.")),
    (
        r"more than the case file can hold \((?P<maximum>\d+)\)",
        N_("The amount is too large: at most %(maximum)s dram."),
    ),
    (r"is too large|more than the case file can hold", N_("The number is too large.")),
    (r"is not a phone number", N_("This is not a phone number.")),
    (
        r"^is too long \((?P<length>\d+) characters, at most (?P<maximum>\d+)\)",
        N_("This text is too long: %(length)s characters, at most %(maximum)s."),
    ),
    (r"^is too long", N_("This text is too long.")),
    (r"is not yes or no", N_("Answer yes or no.")),
    (
        r"is not one of|is not in the catalogue|is not an additional criterion",
        N_("Choose one of the options offered."),
    ),
    (r"^describe the risk", N_("Describe the risk of child abandonment.")),
    (r"^at least one household member", N_("At least one household member is required.")),
    (r"^give the provider", N_("Give the provider: a staff member or a partner organisation.")),
    (
        r"paid by resource mobilisation",
        N_(
            "This service is paid by resource mobilisation: give the funder and the amount in dram."
        ),
    ),
    (
        r"individual session is with exactly one family",
        N_("An individual session is with exactly one family."),
    ),
    (
        r"group session links at least two families",
        N_("A group session links at least two families: give the other case numbers."),
    ),
    (r"^name a social worker", N_("Choose a social worker, a psychologist, or both.")),
    (r"^say what the family is referred for", N_("Say what the family is referred for.")),
    (
        r"declined referral needs the partner's reason",
        N_("A declined referral needs the partner's reason."),
    ),
    (
        r"completed referral needs the partner's feedback",
        N_("A completed referral needs the partner's feedback."),
    ),
    (r"^say why the request is cancelled", N_("Say why the request is cancelled.")),
    # The foster-care pilot's records.
    (r"^give the initials only", N_("Give the initials only, not the name.")),
    (
        r"^must be a whole number of years from 0 to (?P<maximum>\d+)",
        N_("The age must be a whole number of years from 0 to %(maximum)s."),
    ),
    (r"^name the modules", N_("Tick the modules the session covered.")),
    (r"^must be at most (?P<maximum>\d+)", N_("The number must be at most %(maximum)s.")),
    (r"is before the match", N_("The child cannot move in before the match.")),
    (r"must be after the visit", N_("The next visit must be after this one.")),
    (
        r"must be within a year of the visit",
        N_("The next visit must be within a year of this one."),
    ),
)

MESSAGES = {
    "saved": N_("Saved."),
    "registered": N_("The family is registered."),
    "advanced": N_("The case has moved on."),
    "approval_approved": N_("Approved."),
    "approval_rejected": N_("Rejected; the requester sees why on the case's timeline."),
    "approval_requested": N_(
        "Your request is recorded and waits for a manager's approval; "
        "the case moves once it is approved."
    ),
    "consent_withdrawn": N_("The consent is withdrawn."),
    "consent_withdrawn_referrals_open": N_(
        "The consent is withdrawn. Some referrals are still open with partners (listed "
        "under Referrals below, with their status): tell those partners."
    ),
    "logged_out": N_("You are logged out."),
    "referred": N_("The referral is queued; it is mailed to the partner in a moment."),
    "answered": N_("The partner's answer is recorded."),
    "acknowledged": N_("The reminder is acknowledged."),
    "approved": N_("The procurement request is approved."),
    "approved_once": N_(
        "Approved once: above the second-approval amount another approver, a different "
        "person, approves it too."
    ),
    "ordered": N_("The goods are ordered."),
    "received": N_("The goods are received and the service is recorded as delivered."),
    "cancelled": N_("The procurement request is cancelled."),
    # A form sent a second time (web.shared.once): the first submission's result, not a new one.
    "already_saved": N_("This form was already saved; it was not saved a second time."),
    "already_sent": N_(
        "This form was already sent and not saved a second time: check below that the "
        "change is there."
    ),
}
ALREADY_SAVED_AT = N_("This form was already saved at %(time)s; it was not saved a second time.")


def field_message(problem: str) -> str:
    """The problem in the reader's language, with its figures (a limit, a length)."""
    for pattern, message in FIELD_PATTERNS:
        found = re.search(pattern, problem)
        if found:
            figures = {name: format_number(int(value)) for name, value in found.groupdict().items()}
            return gettext(message) % figures if figures else gettext(message)
    return problem


def field_errors(exc: Problems) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(problem.field, []).append(field_message(problem.problem))
    return errors


def error_message(exc: HogatarError) -> str:
    """One sentence for the top of a form or an error page."""
    from web.shared.auth import CsrfRefused, Forbidden  # the request-side errors

    if isinstance(exc, Forbidden):
        return gettext("Your role does not allow this.")
    if isinstance(exc, RequestTooLarge):
        return gettext(
            "What was sent is larger than %(mb)s MB, more than any form or file may be. "
            "Nothing was saved."
        ) % {"mb": format_number(exc.limit // (1024 * 1024))}
    if isinstance(exc, CaseReadOnly):
        return gettext(
            "This is a colleague's case: you can read it but not change it. Ask a manager "
            "to assign it to you."
        )
    if isinstance(exc, CsrfRefused):
        return gettext(
            "The form has expired or did not come from this site. Reload the page and try again."
        )
    if isinstance(exc, ConcurrentUpdate):
        return gettext(
            "Someone else changed this case while you were working on it. Your change was "
            "not saved: reload the case to see the latest version, then try again."
        )
    if isinstance(exc, foster_care.WrongStep):
        return gettext("This is not recorded at the step the case is at now.")
    if isinstance(exc, shared_errors.CaseIsClosed):
        return gettext("The case is closed: reopen it before changing its file.")
    if isinstance(exc, programme_errors.PossibleDuplicate):
        return gettext(
            "Someone in this family may already be in an open case. Check the cases below; "
            "to register the family anyway, tick the confirmation and save again."
        )
    if isinstance(exc, TriggerNotAllowed):
        return gettext("This step is not possible from the case's current state.")
    if isinstance(exc, GuardFailed):
        return gettext("The case cannot take this step yet: some requirements are not met.")
    if isinstance(exc, programme_staff.StaffNotFound | programme_staff.StaffInactive):
        return gettext("The chosen staff member is not an active member of staff.")
    if isinstance(exc, programme_staff.WrongStaffRole):
        return gettext("The chosen staff member does not have the role this needs.")
    if isinstance(exc, plans.ServiceStatusRefused):
        return gettext("The planned service is not in a status that allows this.")
    if isinstance(exc, programme_staff.UnknownCommunity):
        return gettext("Unknown community: choose one from the list.")
    background = _background_work_message(exc)
    if background is not None:
        return background
    if isinstance(exc, NotFound):
        return gettext("What you asked for does not exist.")
    if isinstance(exc, Problems):
        return gettext("Some fields need your attention: see the messages beside them.")
    return str(exc)


def _background_work_message(exc: HogatarError) -> str | None:
    if isinstance(exc, referrals.PartnerNotFound):
        return gettext("Choose a partner organisation from the list.")
    if isinstance(exc, referrals.ReferralConsentMissing):
        return gettext(
            "The family has not given consent to referral that is valid today, so the "
            "referral is not made. Record the family's consent first (Record consent, tick "
            "“Referral to partner organisations”), then refer the family again."
        )
    if isinstance(exc, referrals.ReferralResponseRefused):
        return gettext("This answer does not fit the referral's current status.")
    if isinstance(exc, reminders.ReminderNotOpen):
        return gettext("This reminder is not waiting for an acknowledgement.")
    if isinstance(exc, programme_procurement.ProcurementStatusRefused):
        return gettext("The procurement request is not in a status that allows this.")
    if isinstance(exc, programme_procurement.NotAllowedToApprove):
        return gettext("Only a procurement officer or a manager can approve procurement.")
    if isinstance(exc, programme_procurement.OverBudget):
        return gettext("Over budget by %(over)s.") % {"over": format_money(exc.over_by)}
    if isinstance(exc, programme_procurement.OverFamilyCeiling):
        return gettext("Over the per-family ceiling by %(over)s.") % {
            "over": format_money(exc.over_by)
        }
    return None


def budget_refusal(exc: HogatarError, *, amount: int, line: str) -> str:
    """An over-budget refusal with its figures, when the amount asked for is known."""
    figures = {
        "line": line,
        "amount": format_money(amount),
        "remaining": format_money(amount - getattr(exc, "over_by", 0)),
        "over": format_money(getattr(exc, "over_by", 0)),
    }
    if isinstance(exc, programme_procurement.OverBudget):
        return (
            gettext(
                "Over budget: the budget line “%(line)s” has %(remaining)s left and the "
                "request is %(amount)s, %(over)s too much."
            )
            % figures
        )
    if isinstance(exc, programme_procurement.OverFamilyCeiling):
        return (
            gettext(
                "Over the per-family ceiling: this family can still receive goods worth "
                "%(remaining)s and the request is %(amount)s, %(over)s too much."
            )
            % figures
        )
    return error_message(exc)


def message(code: str | None, saved_at: str | None = None) -> str | None:
    """The notice after a redirect; ``saved_at`` (ISO 8601) says when an already saved
    form was saved."""
    if code == "already_saved" and saved_at:
        try:
            moment = datetime.fromisoformat(saved_at)
        except ValueError:
            moment = None
        if moment is not None:
            return gettext(ALREADY_SAVED_AT) % {"time": format_datetime(moment)}
    text = MESSAGES.get(code or "")
    return gettext(text) if text else None
