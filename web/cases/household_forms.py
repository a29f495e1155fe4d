"""Reading the forms that correct a family's file (its details, its members) into the
programme's commands; the pages and the JSON API share them, so a phone or a date is
judged the same way wherever it was typed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from web.cases.forms import withdraw_consent
from web.shared.forms import read_flag, read_version
from workflow.programme.families import (
    MEMBER_FIELDS,
    AddMember,
    CorrectMember,
    RemoveMember,
    UpdateFamily,
    WithdrawConsent,
    may_see,
    read_member,
)
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Collector, text_value

#: The family's details the edit form holds (as ``registration.UPDATABLE``).
FAMILY_FIELDS = (
    "family_name",
    "community",
    "address",
    "phone",
    "referral_partner_type",
    "referral_partner_name",
    "state_benefit",
)
SENSITIVE = ("disability", "health_notes")


def family_changes(
    values: Mapping[str, Any], *, case_id: int, actor: str, partial: bool = False
) -> UpdateFamily:
    """The edit form sends every field (an unticked box is absent: not on the benefit);
    the API (``partial``) only the fields to change."""
    problems = Collector()
    version = read_version(values, problems)
    confirm = read_flag(values, "confirm_duplicate", problems)
    problems.check()
    fields = [f for f in FAMILY_FIELDS if f in values] if partial else list(FAMILY_FIELDS)
    changes = {field: values.get(field) for field in fields}
    if not partial:
        changes["state_benefit"] = "yes" if read_flag(values, "state_benefit", problems) else "no"
    return UpdateFamily(
        case_id=case_id,
        actor=actor,
        changes=changes,
        expected_version=version,
        confirm_duplicate=confirm,
    )


def new_member(
    values: Mapping[str, Any], *, case_id: int, actor: str, role: str | None, today: date
) -> AddMember:
    """A member added to the household; the health notes only from a reader who may
    read them (the form does not offer them to others)."""
    problems = Collector()
    given = {field: values.get(field) for field in MEMBER_FIELDS if field in values}
    for field in SENSITIVE:
        # The form offers these only to the roles that read them; a client that sends
        # them anyway is told, rather than having them written unseen.
        if given.get(field) and not may_see(field, role):
            problems.add(field, "is not shown to your role, so you cannot change it")
    member = read_member(given, problems, reference(), today=today)
    version = read_version(values, problems)
    confirm = read_flag(values, "confirm_duplicate", problems)
    problems.check()
    assert member is not None  # every problem was raised above
    return AddMember(
        case_id=case_id,
        actor=actor,
        member=member,
        confirm_duplicate=confirm,
        expected_version=version,
    )


def member_changes(
    values: Mapping[str, Any],
    *,
    case_id: int,
    member_id: int,
    actor: str,
    role: str | None,
    partial: bool = False,
) -> CorrectMember:
    """The correction form holds the fields the reader may see; a field it does not hold
    (the health notes for a social worker) is left as it is, never wiped."""
    problems = Collector()
    version = read_version(values, problems)
    confirm = read_flag(values, "confirm_duplicate", problems)
    problems.check()
    changes: dict[str, Any] = {}
    for field in MEMBER_FIELDS:
        if field in SENSITIVE and not may_see(field, role) and not partial:
            continue
        if field == "disability" and not partial:
            changes[field] = read_flag(values, field, problems)
        elif field in values:
            changes[field] = values[field]
    return CorrectMember(
        case_id=case_id,
        member_id=member_id,
        actor=actor,
        changes=changes,
        confirm_duplicate=confirm,
        expected_version=version,
    )


def removal(values: Mapping[str, Any], *, case_id: int, member_id: int, actor: str) -> RemoveMember:
    problems = Collector()
    reason = text_value(values.get("reason"), "reason", problems, required=True, max_length=2000)
    version = read_version(values, problems)
    problems.check()
    assert reason is not None
    return RemoveMember(
        case_id=case_id,
        member_id=member_id,
        actor=actor,
        reason=reason,
        expected_version=version,
    )


def confirmed_withdrawal(values: Mapping[str, Any], *, case_id: int, actor: str) -> WithdrawConsent:
    """The withdrawal form's last step: sent from the page that said what it will do
    (``/consent/withdrawal/check``); without that confirmation nothing is withdrawn."""
    command = withdraw_consent(values, case_id=case_id, actor=actor)
    problems = Collector()
    if not read_flag(values, "confirmed", problems):
        problems.add("confirmed", "check what the withdrawal will do, then confirm it")
    problems.check()
    return command
