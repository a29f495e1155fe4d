"""Reading what a form (HTML or JSON) sends into the programme's commands.

The same readers serve the pages and the API, so a date or an amount is judged the same
way wherever it was typed; field names match the ones the service layer reports
problems under, so every problem lands beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from web.shared.forms import form_date, read_amount, read_flag, read_long_text, read_version
from workflow.commands import AdvanceCase
from workflow.programme.assessment import RecordAssessment
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import (
    AssignCase,
    ConsentInput,
    RecordConsent,
    RegisterFamily,
    WithdrawConsent,
    read_family,
)
from workflow.programme.plans import (
    CancelService,
    DeliverService,
    PlanService,
    RecordIncome,
    StartService,
)
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import (
    Collector,
    FieldProblem,
    Problems,
    date_value,
    text_value,
    whole_number,
)

MEMBER_FIELD = re.compile(r"^members\[(\d+)\]\.(\w+)$")
MEMBER_ROWS = 4


def registration(values: Mapping[str, Any], *, actor: str, today: date) -> RegisterFamily:
    """A family from the registration form (flat ``members[N].field`` names) or from JSON
    (``members`` as a list, ``consent`` as an object, as the CLI takes it)."""
    data = dict(values)
    renumbered: dict[int, int] = {}
    if not isinstance(data.get("members"), list):
        data["members"], renumbered = _members_from_form(values)
    if not isinstance(data.get("consent"), Mapping):
        consent = {
            "purpose": values.get("consent.purpose"),
            "given_on": values.get("consent.given_on"),
        }
        # The form starts the consent date at today; that alone is no consent given.
        untouched = consent["given_on"] in (None, "", form_date(today))
        data["consent"] = None if not consent["purpose"] and untouched else consent
    confirm = data.pop("confirm_duplicate", None)
    page_only = ("members[", "consent.", "csrf_token", "form_token")
    for key in [k for k in data if k.startswith(page_only)]:
        del data[key]
    try:
        family = read_family(data, reference(), today=today)
    except Problems as exc:
        raise Problems([_renumber(p, renumbered) for p in exc.problems]) from None
    problems = Collector()
    confirmed = read_flag({"confirm_duplicate": confirm}, "confirm_duplicate", problems)
    problems.check()
    return RegisterFamily(actor=actor, family=family, confirm_duplicate=confirmed)


def _members_from_form(values: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    rows: dict[int, dict[str, Any]] = {}
    for key, value in values.items():
        match = MEMBER_FIELD.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
    members, renumbered = [], {}
    for number in sorted(rows):
        row = rows[number]
        if not any(str(row.get(f) or "").strip() for f in ("full_name", "date_of_birth")):
            continue  # a blank row of the form, not a member
        members.append(row)
        renumbered[len(members)] = number
    return members, renumbered


def _renumber(problem: FieldProblem, renumbered: dict[int, int]) -> FieldProblem:
    match = re.match(r"^members\[(\d+)\](.*)$", problem.field)
    if not match or int(match.group(1)) not in renumbered:
        return problem
    return FieldProblem(
        f"members[{renumbered[int(match.group(1))]}]{match.group(2)}", problem.problem
    )


def assessment(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordAssessment:
    problems = Collector()
    assessor = text_value(values.get("assessor"), "assessor", problems, required=True)
    assessed_on = date_value(values.get("assessed_on"), "assessed_on", problems, required=True)
    risk = read_flag(values, "risk_of_abandonment", problems)
    criteria = values.get("criteria") or []
    if isinstance(criteria, str):
        criteria = [criteria]
    description = read_long_text(values, "risk_description", problems)
    notes = read_long_text(values, "notes", problems)
    version = read_version(values, problems)
    problems.check()
    assert assessor is not None and assessed_on is not None
    return RecordAssessment(
        case_id=case_id,
        actor=actor,
        assessor=assessor,
        assessed_on=assessed_on,
        risk_of_abandonment=risk,
        risk_description=description,
        criteria=tuple(str(c) for c in criteria),
        notes=notes,
        expected_version=version,
    )


#: The "given by" choice of a guardian or legal representative named in given_by_name.
GIVEN_BY_OTHER = "other"


def consent(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordConsent:
    """Which purposes are known, and who may have given it, is the service layer's rule;
    it reports problems under ``purposes`` and ``given_by``."""
    problems = Collector()
    purposes = values.get("purposes") or []
    if isinstance(purposes, str):
        purposes = [purposes]
    given_on = date_value(values.get("given_on"), "given_on", problems, required=True)
    expires_on = date_value(values.get("expires_on"), "expires_on", problems)
    given_by = values.get("given_by")
    member_id = None
    name = text_value(values.get("given_by_name"), "given_by_name", problems)
    if str(given_by or "").strip() == GIVEN_BY_OTHER:
        if name is None:
            problems.add("given_by_name", "is required: name the guardian or representative")
    elif given_by not in (None, ""):
        member_id = whole_number(given_by, "given_by", problems, minimum=1)
        name = None  # a member was chosen: a name typed before changing the choice is not kept
    note = read_long_text(values, "note", problems)
    version = read_version(values, problems)
    problems.check()
    assert given_on is not None
    return RecordConsent(
        case_id=case_id,
        actor=actor,
        consent=ConsentInput(
            purposes=tuple(str(p) for p in purposes),
            given_on=given_on,
            expires_on=expires_on,
            given_by_member_id=member_id,
            given_by_name=name,
            note=note,
        ),
        expected_version=version,
    )


def withdraw_consent(values: Mapping[str, Any], *, case_id: int, actor: str) -> WithdrawConsent:
    """No purpose ticked: all consent (the case closes); which purposes close the case is
    the service layer's rule."""
    problems = Collector()
    purposes = values.get("purposes") or []
    if isinstance(purposes, str):
        purposes = [purposes]
    withdrawn_on = date_value(values.get("withdrawn_on"), "withdrawn_on", problems, required=True)
    reason = read_long_text(values, "reason", problems)
    version = read_version(values, problems)
    problems.check()
    assert withdrawn_on is not None
    return WithdrawConsent(
        case_id=case_id,
        actor=actor,
        withdrawn_on=withdrawn_on,
        reason=reason,
        purposes=tuple(str(p) for p in purposes),
        expected_version=version,
    )


def assignment(values: Mapping[str, Any], *, case_id: int, actor: str) -> AssignCase:
    problems = Collector()
    version = read_version(values, problems)
    problems.check()
    return AssignCase(
        case_id=case_id,
        actor=actor,
        social_worker=values.get("social_worker") or None,
        psychologist=values.get("psychologist") or None,
        expected_version=version,
    )


def plan(values: Mapping[str, Any], *, case_id: int, actor: str) -> PlanService:
    problems = Collector()
    service = text_value(values.get("service"), "service", problems, required=True)
    target = date_value(values.get("target_date"), "target_date", problems, required=True)
    amount = read_amount(values, "funded_amount_amd", problems)
    partner = text_value(values.get("provider_partner"), "provider_partner", problems)
    funder = text_value(values.get("funder"), "funder", problems)
    notes = read_long_text(values, "notes", problems)
    version = read_version(values, problems)
    problems.check()
    assert service is not None and target is not None
    return PlanService(
        case_id=case_id,
        actor=actor,
        service=service,
        target_date=target,
        provider_staff=values.get("provider_staff") or None,
        provider_partner=partner,
        funder=funder,
        funded_amount_amd=amount,
        notes=notes,
        expected_version=version,
    )


def start(values: Mapping[str, Any], *, planned_service_id: int, actor: str) -> StartService:
    problems = Collector()
    version = read_version(values, problems)
    problems.check()
    return StartService(
        planned_service_id=planned_service_id, actor=actor, expected_version=version
    )


def delivery(values: Mapping[str, Any], *, planned_service_id: int, actor: str) -> DeliverService:
    problems = Collector()
    delivered_on = date_value(values.get("delivered_on"), "delivered_on", problems, required=True)
    quantity = whole_number(values.get("quantity") or "1", "quantity", problems, minimum=1)
    cost = read_amount(values, "cost_amd", problems, required=True)
    final = read_flag(values, "final", problems)
    notes = read_long_text(values, "notes", problems)
    version = read_version(values, problems)
    problems.check()
    assert delivered_on is not None and quantity is not None and cost is not None
    return DeliverService(
        planned_service_id=planned_service_id,
        actor=actor,
        delivered_on=delivered_on,
        quantity=quantity,
        cost_amd=cost,
        notes=notes,
        final=final,
        expected_version=version,
    )


def cancel(values: Mapping[str, Any], *, planned_service_id: int, actor: str) -> CancelService:
    problems = Collector()
    reason = text_value(values.get("reason"), "reason", problems, required=True, max_length=2000)
    version = read_version(values, problems)
    problems.check()
    assert reason is not None
    return CancelService(
        planned_service_id=planned_service_id, actor=actor, reason=reason, expected_version=version
    )


def counselling(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordCounselling:
    problems = Collector()
    kind = text_value(values.get("kind"), "kind", problems, required=True)
    psychologist = text_value(values.get("psychologist"), "psychologist", problems, required=True)
    held_on = date_value(values.get("held_on"), "held_on", problems, required=True)
    follow_up = read_flag(values, "follow_up_needed", problems)
    others: list[int] = []
    for part in re.split(r"[\s,;]+", str(values.get("other_cases") or "").strip()):
        if not part:
            continue
        number = whole_number(part.lstrip("#"), "other_cases", problems, minimum=1)
        if number is not None:
            others.append(number)
    notes = read_long_text(values, "notes", problems)
    problems.check()
    assert kind is not None and psychologist is not None and held_on is not None
    return RecordCounselling(
        kind=kind,
        case_ids=(case_id, *others),
        psychologist=psychologist,
        held_on=held_on,
        actor=actor,
        follow_up_needed=follow_up,
        notes=notes,
    )


def income(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordIncome:
    problems = Collector()
    kind = text_value(values.get("kind"), "kind", problems, required=True)
    started_on = date_value(values.get("started_on"), "started_on", problems, required=True)
    amount = read_amount(values, "monthly_amount_amd", problems)
    description = read_long_text(values, "description", problems)
    version = read_version(values, problems)
    problems.check()
    assert kind is not None and started_on is not None
    return RecordIncome(
        case_id=case_id,
        actor=actor,
        kind=kind,
        started_on=started_on,
        description=description,
        monthly_amount_amd=amount,
        expected_version=version,
    )


def transition(values: Mapping[str, Any], *, case_id: int, trigger: str, actor: str) -> AdvanceCase:
    problems = Collector()
    reason = text_value(values.get("reason"), "reason", problems, max_length=2000)
    version = read_version(values, problems)
    data: dict[str, Any] = {}
    closure_reason = values.get("closure_reason")
    if trigger == "close":
        if not closure_reason:
            problems.add("closure_reason", "is required (choose a closure reason)")
        elif reference().closure_reason_needs_text(str(closure_reason)) and not reason:
            problems.add("reason", "is required for this closure reason")
        data["closure_reason"] = closure_reason
    elif trigger == "reopen" and not reason:
        problems.add("reason", "is required (why the case is reopened)")
    problems.check()
    return AdvanceCase(
        case_id=case_id,
        trigger=trigger,
        actor=actor,
        reason=reason,
        data=data,
        expected_version=version,
    )


def step(
    values: Mapping[str, Any], *, case_id: int, trigger: str, asks: tuple[str, ...], actor: str
) -> AdvanceCase:
    """The generic form of a step whose guards need what a person types: a reason
    (``reason_given``), a closure reason from the list (``closure_reason_given``)."""
    problems = Collector()
    reason = text_value(values.get("reason"), "reason", problems, max_length=2000)
    version = read_version(values, problems)
    data: dict[str, Any] = {}
    if "closure_reason_given" in asks:
        closure_reason = values.get("closure_reason")
        if not closure_reason:
            problems.add("closure_reason", "is required (choose a closure reason)")
        elif reference().closure_reason_needs_text(str(closure_reason)) and not reason:
            problems.add("reason", "is required for this closure reason")
        data["closure_reason"] = closure_reason
    elif "reason_given" in asks and not reason:
        problems.add("reason", "is required (give a reason)")
    problems.check()
    return AdvanceCase(
        case_id=case_id,
        trigger=trigger,
        actor=actor,
        reason=reason,
        data=data,
        expected_version=version,
    )
