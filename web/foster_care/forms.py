"""Reading the foster-care pilot's forms into its commands: the inquiry that opens a
foster family's case, the record of each step, and closing the case with one of the
pilot's own closure reasons. Field names are the ones the service layer reports
problems under, so every problem lands beside its field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.shared.forms import read_long_text, read_version
from workflow.commands import AdvanceCase
from workflow.programme.foster_care import (
    RecordApplication,
    RecordCommissionDecision,
    RecordHomeAssessment,
    RecordMatch,
    RecordMonitoringVisit,
    RecordPlacement,
    RecordTraining,
    RegisterInquiry,
    foster_rules,
)
from workflow.programme.shared.values import Collector, date_value, text_value, whole_number

#: The decision field's two answers.
APPROVED, REFUSED = "approved", "refused"


def _codes(values: Mapping[str, Any], name: str) -> tuple[str, ...]:
    given = values.get(name) or []
    return tuple(str(code) for code in ([given] if isinstance(given, str) else given))


def inquiry(values: Mapping[str, Any], *, actor: str) -> RegisterInquiry:
    problems = Collector()
    adults = whole_number(values.get("adults"), "adults", problems, required=True, minimum=1)
    children = whole_number(
        values.get("children_in_household") or "0", "children_in_household", problems
    )
    problems.check()
    assert adults is not None  # required above
    return RegisterInquiry(
        actor=actor,
        family_name=str(values.get("family_name") or ""),
        community=str(values.get("community") or ""),
        adults=adults,
        phone=values.get("phone") or None,
        address=values.get("address") or None,
        children_in_household=children or 0,
        motivation=values.get("motivation") or None,
        inquiry_source=values.get("inquiry_source") or None,
    )


def application(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordApplication:
    problems = Collector()
    submitted_on = date_value(values.get("submitted_on"), "submitted_on", problems, required=True)
    notes = read_long_text(values, "notes", problems)
    version = read_version(values, problems)
    problems.check()
    assert submitted_on is not None
    return RecordApplication(
        case_id=case_id,
        actor=actor,
        submitted_on=submitted_on,
        documents=_codes(values, "documents"),
        notes=notes,
        expected_version=version,
    )


def home_assessment(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordHomeAssessment:
    problems = Collector()
    assessor = text_value(values.get("assessor"), "assessor", problems, required=True)
    assessed_on = date_value(values.get("assessed_on"), "assessed_on", problems, required=True)
    outcome = text_value(values.get("outcome"), "outcome", problems, required=True)
    version = read_version(values, problems)
    problems.check()
    assert assessor is not None and assessed_on is not None and outcome is not None
    return RecordHomeAssessment(
        case_id=case_id,
        actor=actor,
        assessor=assessor,
        assessed_on=assessed_on,
        outcome=outcome,
        recommendation=str(values.get("recommendation") or ""),
        expected_version=version,
    )


def training(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordTraining:
    problems = Collector()
    held_on = date_value(values.get("held_on"), "held_on", problems, required=True)
    notes = read_long_text(values, "notes", problems)
    version = read_version(values, problems)
    problems.check()
    assert held_on is not None
    return RecordTraining(
        case_id=case_id,
        actor=actor,
        held_on=held_on,
        modules=_codes(values, "modules"),
        trainer=str(values.get("trainer") or ""),
        notes=notes,
        expected_version=version,
    )


def decision(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordCommissionDecision:
    problems = Collector()
    answer = values.get("decision")
    if answer not in (APPROVED, REFUSED):
        problems.add("decision", "is required (approved or refused)")
    decided_on = date_value(values.get("decided_on"), "decided_on", problems, required=True)
    notes = read_long_text(values, "notes", problems)
    version = read_version(values, problems)
    problems.check()
    assert decided_on is not None
    return RecordCommissionDecision(
        case_id=case_id,
        actor=actor,
        approved=answer == APPROVED,
        decision_number=str(values.get("decision_number") or ""),
        decided_on=decided_on,
        notes=notes,
        expected_version=version,
    )


def match(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordMatch:
    problems = Collector()
    age = whole_number(values.get("child_age"), "child_age", problems, required=True)
    matched_on = date_value(values.get("matched_on"), "matched_on", problems, required=True)
    notes = read_long_text(values, "notes", problems)
    version = read_version(values, problems)
    problems.check()
    assert age is not None and matched_on is not None
    return RecordMatch(
        case_id=case_id,
        actor=actor,
        child_reference=str(values.get("child_reference") or ""),
        child_initials=str(values.get("child_initials") or ""),
        child_age=age,
        matched_on=matched_on,
        notes=notes,
        expected_version=version,
    )


def placement(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordPlacement:
    problems = Collector()
    placed_on = date_value(values.get("placed_on"), "placed_on", problems, required=True)
    notes = read_long_text(values, "notes", problems)
    version = read_version(values, problems)
    problems.check()
    assert placed_on is not None
    return RecordPlacement(
        case_id=case_id, actor=actor, placed_on=placed_on, notes=notes, expected_version=version
    )


def visit(values: Mapping[str, Any], *, case_id: int, actor: str) -> RecordMonitoringVisit:
    problems = Collector()
    visitor = text_value(values.get("visitor"), "visitor", problems, required=True)
    visited_on = date_value(values.get("visited_on"), "visited_on", problems, required=True)
    next_due = date_value(values.get("next_visit_due"), "next_visit_due", problems)
    version = read_version(values, problems)
    problems.check()
    assert visitor is not None and visited_on is not None
    return RecordMonitoringVisit(
        case_id=case_id,
        actor=actor,
        visitor=visitor,
        visited_on=visited_on,
        observations=str(values.get("observations") or ""),
        next_visit_due=next_due,
        expected_version=version,
    )


def close(values: Mapping[str, Any], *, case_id: int, actor: str) -> AdvanceCase:
    """Closing a foster family's case, with one of the pilot's closure reasons."""
    problems = Collector()
    reason = text_value(values.get("reason"), "reason", problems, max_length=2000)
    version = read_version(values, problems)
    code = values.get("closure_reason")
    needs_text = {
        item.code: bool(item.extra.get("text")) for item in foster_rules().closure_reasons
    }
    if not code:
        problems.add("closure_reason", "is required (choose a closure reason)")
    elif code not in needs_text:
        problems.add("closure_reason", f"{code!r} is not one of: {', '.join(needs_text)}")
    elif needs_text[str(code)] and not reason:
        problems.add("reason", "is required for this closure reason")
    problems.check()
    return AdvanceCase(
        case_id=case_id,
        trigger="close",
        actor=actor,
        reason=reason,
        data={"closure_reason": code},
        expected_version=version,
    )
