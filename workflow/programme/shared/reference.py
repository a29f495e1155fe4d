"""The programme's reference data: criteria, service catalogue and short lists, read from
``config/programme/*.toml`` and validated once, like the workflow definitions.

Communities are the exception: they grow while the programme runs, so they live in a
table (seeded from ``communities.toml`` by migration 0002, extended with
``hogatar community add``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from workflow.errors import DefinitionError

PROGRAMME_DIR = Path(__file__).resolve().parents[3] / "config" / "programme"
LANGUAGES = ("en", "hy")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class ReferenceDataError(DefinitionError):
    """A file in config/programme is missing or wrong; start-up stops and says where."""


@dataclass(frozen=True)
class Item:
    """One entry of a list: a stable code and its label in each language."""

    code: str
    labels: Mapping[str, str]
    #: Extra attributes of the entry (``kind`` of a member role, ``text`` of a closure reason).
    extra: Mapping[str, Any]

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class Service:
    code: str
    labels: Mapping[str, str]
    category: str
    procurement: bool
    follow_up: bool
    funded: bool
    #: A counselling session of this kind (individual, group) held while the plan has
    #: this service open is recorded as one delivery of it, costing ``session_cost_amd``.
    session_kind: str | None = None
    session_cost_amd: int = 0

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels["en"]


#: The kinds of counselling session a service can be delivered by.
SESSION_KINDS = ("individual", "group")


@dataclass(frozen=True)
class Reference:
    primary_criterion: Item
    additional_criteria: tuple[Item, ...]
    min_additional: int
    categories: Mapping[str, Mapping[str, str]]
    services: Mapping[str, Service]
    training_service: str
    tools_service: str
    partner_types: tuple[Item, ...]
    closure_reasons: tuple[Item, ...]
    member_roles: tuple[Item, ...]
    staff_roles: tuple[Item, ...]
    income_kinds: tuple[Item, ...]
    communities: tuple[Item, ...]
    #: What a consent record may cover (lists.toml); participation and referral are needed.
    consent_purposes: tuple[Item, ...] = ()

    def member_role_kind(self, role: str) -> str:
        for item in self.member_roles:
            if item.code == role:
                return str(item.extra.get("kind", "other"))
        return "other"

    def closure_reason_needs_text(self, code: str) -> bool:
        return any(item.code == code and item.extra.get("text") for item in self.closure_reasons)


def codes(items: tuple[Item, ...]) -> list[str]:
    return [item.code for item in items]


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError(f"{path}: reference data file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"{name}: not valid TOML: {exc}") from None


def _labels(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ReferenceDataError(f"{where}: needs a label table, e.g. {{ en = ..., hy = ... }}")
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise ReferenceDataError(f"{where}: the {language!r} label is missing")
    return {key: str(text) for key, text in value.items()}


def _item(table: Any, where: str, label_key: str = "label") -> Item:
    if not isinstance(table, dict):
        raise ReferenceDataError(f"{where}: must be a table")
    code = table.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise ReferenceDataError(
            f"{where}: 'code' must be lower-case letters, digits and _ (got {code!r})"
        )
    extra = {k: v for k, v in table.items() if k not in ("code", label_key)}
    return Item(code=code, labels=_labels(table.get(label_key), f"{where} ({code})"), extra=extra)


def _items(
    raw: Mapping[str, Any], key: str, name: str, label_key: str = "label"
) -> tuple[Item, ...]:
    tables = raw.get(key)
    if not isinstance(tables, list) or not tables:
        raise ReferenceDataError(f"{name}: '{key}' must list at least one entry")
    items = tuple(
        _item(table, f"{name}: {key} #{n}", label_key) for n, table in enumerate(tables, 1)
    )
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise ReferenceDataError(f"{name}: {key} code {item.code!r} is listed twice")
        seen.add(item.code)
    return items


def _require_codes(items: tuple[Item, ...], required: tuple[str, ...], where: str) -> None:
    missing = [code for code in required if code not in codes(items)]
    if missing:
        raise ReferenceDataError(f"{where}: the workflow needs {', '.join(missing)}")


def _services(raw: Mapping[str, Any]) -> tuple[dict[str, Mapping[str, str]], dict[str, Service]]:
    name = "services.toml"
    categories_raw = raw.get("categories")
    if not isinstance(categories_raw, dict) or not categories_raw:
        raise ReferenceDataError(f"{name}: '[categories]' must list the service categories")
    categories: dict[str, Mapping[str, str]] = {
        str(code): _labels(labels, f"{name}: category {code}")
        for code, labels in categories_raw.items()
    }
    services: dict[str, Service] = {}
    for item in _items(raw, "services", name):
        category = item.extra.get("category")
        if category not in categories:
            raise ReferenceDataError(
                f"{name}: service {item.code}: category {category!r} is not one of "
                f"{', '.join(categories)}"
            )
        flags = {
            flag: item.extra.get(flag, False) for flag in ("procurement", "follow_up", "funded")
        }
        for flag, value in flags.items():
            if not isinstance(value, bool):
                raise ReferenceDataError(f"{name}: service {item.code}: {flag} must be true/false")
        session_kind = item.extra.get("session_kind")
        if session_kind is not None and session_kind not in SESSION_KINDS:
            raise ReferenceDataError(
                f"{name}: service {item.code}: session_kind must be one of "
                f"{', '.join(SESSION_KINDS)} (got {session_kind!r})"
            )
        cost = item.extra.get("session_cost_amd", 0)
        if isinstance(cost, bool) or not isinstance(cost, int) or cost < 0:
            raise ReferenceDataError(
                f"{name}: service {item.code}: session_cost_amd must be whole dram, 0 or more"
            )
        services[item.code] = Service(
            code=item.code,
            labels=item.labels,
            category=str(category),
            session_kind=session_kind,
            session_cost_amd=cost,
            **flags,
        )
    kinds = [s.session_kind for s in services.values() if s.session_kind]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            raise ReferenceDataError(
                f"{name}: more than one service is delivered by {kind} sessions"
            )
    return categories, services


def load_reference(directory: Path = PROGRAMME_DIR) -> Reference:
    """Read and check every reference file; each problem names its file and entry."""
    criteria = _read(directory, "criteria.toml")
    services_raw = _read(directory, "services.toml")
    lists = _read(directory, "lists.toml")
    communities = _read(directory, "communities.toml")

    primary = _item(criteria.get("primary"), "criteria.toml: [primary]")
    additional = _items(criteria, "additional", "criteria.toml")
    minimum = criteria.get("eligibility", {}).get("min_additional", 1)
    if (
        not isinstance(minimum, int)
        or isinstance(minimum, bool)
        or not (0 <= minimum <= len(additional))
    ):
        raise ReferenceDataError(
            f"criteria.toml: eligibility.min_additional must be a whole number from 0 to "
            f"{len(additional)} (got {minimum!r})"
        )
    categories, services = _services(services_raw)
    stabilisation = services_raw.get("stabilisation", {})
    for key in ("training", "tools"):
        if stabilisation.get(key) not in services:
            raise ReferenceDataError(
                f"services.toml: stabilisation.{key} must name a service of the catalogue "
                f"(got {stabilisation.get(key)!r})"
            )
    closure_reasons = _items(lists, "closure_reasons", "lists.toml")
    _require_codes(closure_reasons, ("consent_withdrawn",), "lists.toml: closure_reasons")
    staff_roles = _items(lists, "staff_roles", "lists.toml")
    _require_codes(staff_roles, ("social_worker", "psychologist"), "lists.toml: staff_roles")
    consent_purposes = _items(lists, "consent_purposes", "lists.toml")
    _require_codes(consent_purposes, ("participation", "referral"), "lists.toml: consent_purposes")
    return Reference(
        primary_criterion=primary,
        additional_criteria=additional,
        min_additional=minimum,
        categories=categories,
        services=services,
        training_service=str(stabilisation["training"]),
        tools_service=str(stabilisation["tools"]),
        partner_types=_items(lists, "partner_types", "lists.toml"),
        closure_reasons=closure_reasons,
        member_roles=_items(lists, "member_roles", "lists.toml"),
        staff_roles=staff_roles,
        income_kinds=_items(lists, "income_kinds", "lists.toml"),
        communities=_items(communities, "communities", "communities.toml", label_key="name"),
        consent_purposes=consent_purposes,
    )


@lru_cache(maxsize=1)
def reference() -> Reference:
    """The programme's reference data, read once per process."""
    return load_reference(PROGRAMME_DIR)
