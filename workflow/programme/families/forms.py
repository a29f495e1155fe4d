"""Forms with many fields (a family with its household) read from JSON-like mappings.

The CLI (``--data`` / ``--json-file``) and the spreadsheet import both come through
here, so a date or a role is judged the same way wherever it was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflow.programme.families.commands import ConsentInput, FamilyInput, MemberInput
from workflow.programme.shared.reference import Reference, codes
from workflow.programme.shared.values import (
    Collector,
    bool_value,
    choice,
    date_value,
    phone_value,
    text_value,
)

FAMILY_FIELDS = (
    "family_name",
    "community",
    "address",
    "phone",
    "referral_partner_type",
    "referral_partner_name",
    "state_benefit",
    "members",
    "consent",
)
MEMBER_FIELDS = ("role", "full_name", "date_of_birth", "disability", "health_notes")
CONSENT_FIELDS = ("purposes", "purpose", "note", "given_on", "expires_on", "given_by")


def _unknown_fields(
    data: Mapping[str, Any], known: tuple[str, ...], problems: Collector, prefix: str = ""
) -> None:
    for key in data:
        if key not in known:
            problems.add(f"{prefix}{key}", f"unknown field; known fields: {', '.join(known)}")


def read_member(
    data: Any, problems: Collector, ref: Reference, *, today: date, prefix: str = ""
) -> MemberInput | None:
    if not isinstance(data, Mapping):
        problems.add(prefix.rstrip("."), "must be an object with role, full_name, ...")
        return None
    _unknown_fields(data, MEMBER_FIELDS, problems, prefix)
    before = len(problems.problems)
    role = choice(data.get("role"), f"{prefix}role", problems, codes(ref.member_roles))
    full_name = text_value(data.get("full_name"), f"{prefix}full_name", problems, required=True)
    born = date_value(
        data.get("date_of_birth"), f"{prefix}date_of_birth", problems, not_after=today
    )
    missing_birth = data.get("date_of_birth") in (None, "")
    if role is not None and ref.member_role_kind(role) == "child" and missing_birth:
        problems.add(f"{prefix}date_of_birth", "is required for a child")
    disability = bool_value(data.get("disability"), f"{prefix}disability", problems)
    notes = text_value(data.get("health_notes"), f"{prefix}health_notes", problems, max_length=2000)
    if len(problems.problems) > before or role is None or full_name is None:
        return None
    return MemberInput(
        role=role,
        full_name=full_name,
        date_of_birth=born,
        disability=disability,
        health_notes=notes,
    )


def read_member_changes(
    data: Any, problems: Collector, ref: Reference, *, today: date
) -> dict[str, Any]:
    """A correction of a member: only the fields given, each read as ``read_member`` reads
    it (an empty date of birth clears it; whether a child may lack one is the service's
    rule, which sees the member as corrected)."""
    if not isinstance(data, Mapping) or not data:
        problems.add("changes", f"give at least one of: {', '.join(MEMBER_FIELDS)}")
        return {}
    _unknown_fields(data, MEMBER_FIELDS, problems)
    changes: dict[str, Any] = {}
    if "role" in data:
        changes["role"] = choice(data["role"], "role", problems, codes(ref.member_roles))
    if "full_name" in data:
        changes["full_name"] = text_value(data["full_name"], "full_name", problems, required=True)
    if "date_of_birth" in data:
        changes["date_of_birth"] = date_value(
            data["date_of_birth"], "date_of_birth", problems, not_after=today
        )
    if "disability" in data:
        changes["disability"] = bool_value(data["disability"], "disability", problems)
    if "health_notes" in data:
        changes["health_notes"] = text_value(
            data["health_notes"], "health_notes", problems, max_length=2000
        )
    return changes


def read_consent(
    data: Any, problems: Collector, *, today: date, prefix: str = "consent."
) -> ConsentInput | None:
    """The consent given at registration: ``purposes`` (codes; participation when
    left out: it is the consent to take part), ``note`` (or ``purpose``, the free text
    of older forms), ``given_on``, ``expires_on`` and ``given_by`` (a name). A free
    text without purposes is consent to take part."""
    if not isinstance(data, Mapping):
        problems.add(prefix.rstrip("."), "must be an object with purposes and given_on")
        return None
    _unknown_fields(data, CONSENT_FIELDS, problems, prefix)
    written = data.get("note") if data.get("note") not in (None, "") else data.get("purpose")
    note = text_value(written, f"{prefix}note", problems, max_length=2000)
    purposes = data.get("purposes")
    if purposes in (None, "", []):
        # The free text alone (the registration form, spreadsheets) is consent to take
        # part; with neither, a date alone is a consent half given.
        if note is None:
            field = "purpose" if "purpose" in data else "purposes"
            problems.add(f"{prefix}{field}", "is required (what the family agrees to)")
            return None
        purposes = ("participation",)
    if isinstance(purposes, str):
        purposes = tuple(part.strip() for part in purposes.split(",") if part.strip())
    if not isinstance(purposes, list | tuple):
        problems.add(f"{prefix}purposes", "must be a list of purpose codes")
        return None
    given_on = date_value(
        data.get("given_on"), f"{prefix}given_on", problems, required=True, not_after=today
    )
    expires_on = date_value(data.get("expires_on"), f"{prefix}expires_on", problems)
    given_by = text_value(data.get("given_by"), f"{prefix}given_by", problems)
    if given_on is None:
        return None
    return ConsentInput(
        purposes=tuple(str(p) for p in purposes),
        given_on=given_on,
        expires_on=expires_on,
        given_by_name=given_by,
        note=note,
    )


def read_family(data: Any, ref: Reference, *, today: date) -> FamilyInput:
    """A family from a mapping; every problem is reported at once (``Problems``)."""
    problems = Collector()
    if not isinstance(data, Mapping):
        problems.add("family", "must be a JSON object with family_name, community, members, ...")
        problems.check()
    _unknown_fields(data, FAMILY_FIELDS, problems)
    family_name = text_value(data.get("family_name"), "family_name", problems, required=True)
    community = text_value(data.get("community"), "community", problems, required=True)
    address = text_value(data.get("address"), "address", problems, max_length=300)
    phone = phone_value(data.get("phone"), "phone", problems)
    partner_type = choice(
        data.get("referral_partner_type"),
        "referral_partner_type",
        problems,
        codes(ref.partner_types),
        required=False,
    )
    partner_name = text_value(data.get("referral_partner_name"), "referral_partner_name", problems)
    state_benefit = bool_value(data.get("state_benefit"), "state_benefit", problems)
    members_raw = data.get("members")
    members: list[MemberInput] = []
    if not isinstance(members_raw, list) or not members_raw:
        problems.add("members", "at least one household member is required")
    else:
        for number, raw in enumerate(members_raw, start=1):
            member = read_member(raw, problems, ref, today=today, prefix=f"members[{number}].")
            if member is not None:
                members.append(member)
    consent = None
    if data.get("consent") is not None:
        consent = read_consent(data["consent"], problems, today=today)
    problems.check()
    assert family_name is not None and community is not None  # checked above
    return FamilyInput(
        family_name=family_name,
        community=community,
        members=tuple(members),
        address=address,
        phone=phone,
        referral_partner_type=partner_type,
        referral_partner_name=partner_name,
        state_benefit=state_benefit,
        consent=consent,
    )
