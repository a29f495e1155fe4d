"""The family workflow's forms of a case page and of a planned service: for each, its
template, who may use it, the reader of what it sends, where on the case page it
returns, and what a new form starts with (``web.shared.plugins.CaseForm``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from web.cases import forms, household_forms
from web.referrals import forms as referrals_forms
from web.shared.permissions import Permission
from web.shared.plugins import CaseForm
from workflow.programme import families as programme_families
from workflow.programme import referrals as programme_referrals
from workflow.runtime import Runtime


def _partners(rt: Runtime) -> dict[str, Any]:
    return {"partners": programme_referrals.list_partners(rt)}


def _withdrawal_notice(withdrawn: Any) -> str:
    """Referrals still open with partners: the worker is told to tell them."""
    return (
        "consent_withdrawn_referrals_open"
        if getattr(withdrawn, "open_referrals", ())
        else "consent_withdrawn"
    )


def _household(rt: Runtime, case_id: int) -> dict[str, Any]:
    """Who may have given the family's consent: its household members."""
    return {"members": programme_families.family_view(rt, case_id=case_id)["members"]}


CASE_FORMS = {
    "assessment": CaseForm(
        "cases/forms/assessment.html",
        Permission.EDIT_CASES,
        forms.assessment,
        "assessment",
        today_fields=("assessed_on",),
        self_fields=(("assessor", "assessors"),),
    ),
    "consent": CaseForm(
        "cases/forms/consent.html",
        Permission.EDIT_CASES,
        forms.consent,
        "family",
        today_fields=("given_on",),
        case_context=_household,
    ),
    "withdraw_consent": CaseForm(
        "cases/forms/withdraw_consent.html",
        Permission.EDIT_CASES,
        # Sent from the page that says what will happen (web.cases.household).
        household_forms.confirmed_withdrawal,
        "referrals",
        today_fields=("withdrawn_on",),
        notice_for=_withdrawal_notice,
    ),
    "assignment": CaseForm(
        "cases/forms/assignment.html", Permission.EDIT_CASES, forms.assignment, "family"
    ),
    "service": CaseForm("cases/forms/service.html", Permission.EDIT_CASES, forms.plan, "plan"),
    "counselling": CaseForm(
        "cases/forms/counselling.html",
        Permission.RECORD_COUNSELLING,
        forms.counselling,
        "counselling",
        today_fields=("held_on",),
        self_fields=(("psychologist", "psychologists"),),
    ),
    "income": CaseForm("cases/forms/income.html", Permission.EDIT_CASES, forms.income, "plan"),
    "close": CaseForm(
        "cases/forms/close.html",
        Permission.CLOSE_CASES,
        partial(forms.transition, trigger="close"),
        notice="advanced",
        trigger="close",
    ),
    "reopen": CaseForm(
        "cases/forms/reopen.html",
        Permission.CLOSE_CASES,
        partial(forms.transition, trigger="reopen"),
        notice="advanced",
        trigger="reopen",
    ),
    "referral": CaseForm(
        "referrals/new.html",
        Permission.REFER,
        referrals_forms.referral,
        "referrals",
        notice="referred",
        context=_partners,
    ),
}
SERVICE_FORMS = {
    "delivery": CaseForm(
        "cases/forms/delivery.html",
        Permission.EDIT_CASES,
        forms.delivery,
        "plan",
        today_fields=("delivered_on",),
    ),
    "cancel": CaseForm("cases/forms/cancel.html", Permission.EDIT_CASES, forms.cancel, "plan"),
}
