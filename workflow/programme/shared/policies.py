"""Policies of the background work, read from ``config/programme/effects.toml`` and
``partners.toml`` and checked once at start-up: referral deadlines, reminder timing,
budget lines, suppliers, and which services buy what.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from workflow.programme.shared.reference import (
    CODE,
    PROGRAMME_DIR,
    Reference,
    ReferenceDataError,
    _labels,
    _read,
    codes,
    reference,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGES = ("hy", "en")


@dataclass(frozen=True)
class PartnerSeed:
    code: str
    type: str
    names: Mapping[str, str]
    email: str
    language: str
    #: trigger -> purpose: a transition that refers the family to this partner.
    refer_on: Mapping[str, str]


@dataclass(frozen=True)
class BudgetLine:
    code: str
    labels: Mapping[str, str]
    amount_amd: int


@dataclass(frozen=True)
class Supplier:
    code: str
    name: str
    email: str
    language: str


@dataclass(frozen=True)
class Purchase:
    """How a service that needs goods is bought."""

    service: str
    budget_line: str
    supplier: str
    estimate_amd: int


@dataclass(frozen=True)
class Policies:
    referral_acknowledge_within: timedelta
    referral_escalate_after: timedelta
    follow_up_after: Mapping[str, timedelta]
    enrolment_decision_within: timedelta
    reminder_escalate_after: timedelta
    per_family_ceiling_amd: int
    budget_lines: Mapping[str, BudgetLine]
    suppliers: Mapping[str, Supplier]
    purchases: Mapping[str, Purchase]
    partners: tuple[PartnerSeed, ...]


def _days(value: Any, where: str) -> timedelta:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReferenceDataError(f"{where} must be a whole number of days (got {value!r})")
    return timedelta(days=value)


def _amd(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReferenceDataError(f"{where} must be a whole number of dram (got {value!r})")
    return value


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not CODE.match(value):
        raise ReferenceDataError(f"{where}: 'code' must be lower-case letters, digits and _")
    return value


def _contact(table: Mapping[str, Any], where: str) -> tuple[str, str]:
    email = table.get("email")
    if not isinstance(email, str) or not EMAIL.match(email):
        raise ReferenceDataError(f"{where}: 'email' must be an e-mail address (got {email!r})")
    language = table.get("language", "hy")
    if language not in LANGUAGES:
        raise ReferenceDataError(f"{where}: 'language' must be hy or en (got {language!r})")
    return email, str(language)


def _partners(raw: Mapping[str, Any], ref: Reference) -> tuple[PartnerSeed, ...]:
    partners = []
    for number, table in enumerate(raw.get("partners", []), 1):
        where = f"partners.toml: partners #{number}"
        code = _code(table.get("code"), where)
        where = f"partners.toml: partner {code}"
        if table.get("type") not in codes(ref.partner_types):
            raise ReferenceDataError(
                f"{where}: type {table.get('type')!r} is not one of "
                f"{', '.join(codes(ref.partner_types))}"
            )
        email, language = _contact(table, where)
        refer_on = table.get("refer_on", {})
        if not isinstance(refer_on, dict) or not all(
            isinstance(v, str) and v.strip() for v in refer_on.values()
        ):
            raise ReferenceDataError(f"{where}: 'refer_on' must map triggers to a purpose text")
        partners.append(
            PartnerSeed(
                code=code,
                type=str(table["type"]),
                names=_labels(table.get("name"), where),
                email=email,
                language=language,
                refer_on=dict(refer_on),
            )
        )
    return tuple(partners)


def load_policies(directory: Path = PROGRAMME_DIR, ref: Reference | None = None) -> Policies:
    ref = ref or reference()
    raw = _read(directory, "effects.toml")
    name = "effects.toml"
    referrals = raw.get("referrals", {})
    reminders = raw.get("reminders", {})
    procurement = raw.get("procurement", {})
    follow_up_raw = reminders.get("follow_up_after_days", {})
    if not isinstance(follow_up_raw, dict) or set(follow_up_raw) != {"individual", "group"}:
        raise ReferenceDataError(
            f"{name}: reminders.follow_up_after_days must give days for individual and group"
        )
    budget_lines = {}
    for number, table in enumerate(procurement.get("budget_lines", []), 1):
        code = _code(table.get("code"), f"{name}: budget line #{number}")
        budget_lines[code] = BudgetLine(
            code=code,
            labels=_labels(table.get("label"), f"{name}: budget line {code}"),
            amount_amd=_amd(table.get("amount_amd"), f"{name}: budget line {code}: amount_amd"),
        )
    suppliers = {}
    for number, table in enumerate(procurement.get("suppliers", []), 1):
        code = _code(table.get("code"), f"{name}: supplier #{number}")
        supplier_name = table.get("name")
        if not isinstance(supplier_name, str) or not supplier_name.strip():
            raise ReferenceDataError(f"{name}: supplier {code}: 'name' is missing")
        email, language = _contact(table, f"{name}: supplier {code}")
        suppliers[code] = Supplier(code=code, name=supplier_name, email=email, language=language)
    purchases = {}
    for service, table in procurement.get("services", {}).items():
        where = f"{name}: procurement.services.{service}"
        if service not in ref.services or not ref.services[service].procurement:
            raise ReferenceDataError(f"{where}: not a service that needs procurement")
        if table.get("budget_line") not in budget_lines:
            raise ReferenceDataError(f"{where}: unknown budget line {table.get('budget_line')!r}")
        if table.get("supplier") not in suppliers:
            raise ReferenceDataError(f"{where}: unknown supplier {table.get('supplier')!r}")
        purchases[service] = Purchase(
            service=service,
            budget_line=str(table["budget_line"]),
            supplier=str(table["supplier"]),
            estimate_amd=_amd(table.get("estimate_amd"), f"{where}: estimate_amd"),
        )
    unbought = [s.code for s in ref.services.values() if s.procurement and s.code not in purchases]
    if unbought:
        raise ReferenceDataError(
            f"{name}: procurement.services must say how to buy {', '.join(sorted(unbought))}"
        )
    return Policies(
        referral_acknowledge_within=_days(
            referrals.get("acknowledge_within_days"), f"{name}: referrals.acknowledge_within_days"
        ),
        referral_escalate_after=_days(
            referrals.get("escalate_after_days"), f"{name}: referrals.escalate_after_days"
        ),
        follow_up_after={
            kind: _days(days, f"{name}: reminders.follow_up_after_days.{kind}")
            for kind, days in follow_up_raw.items()
        },
        enrolment_decision_within=_days(
            reminders.get("enrolment_decision_within_days"),
            f"{name}: reminders.enrolment_decision_within_days",
        ),
        reminder_escalate_after=_days(
            reminders.get("escalate_after_days"), f"{name}: reminders.escalate_after_days"
        ),
        per_family_ceiling_amd=_amd(
            procurement.get("per_family_ceiling_amd"), f"{name}: procurement.per_family_ceiling_amd"
        ),
        budget_lines=budget_lines,
        suppliers=suppliers,
        purchases=purchases,
        partners=_partners(_read(directory, "partners.toml"), ref),
    )


@lru_cache(maxsize=1)
def policies() -> Policies:
    return load_policies()
