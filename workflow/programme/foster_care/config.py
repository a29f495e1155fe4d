"""The foster-care pilot's rules, read from ``config/programme/foster_care.toml`` and
checked once at start-up: required documents, home assessment outcomes, training modules,
commissions, monitoring intervals, the starter kit and the closure reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from workflow.programme.shared.policies import EMAIL, LANGUAGES, policies
from workflow.programme.shared.reference import (
    CODE,
    PROGRAMME_DIR,
    Item,
    ReferenceDataError,
    _items,
    _labels,
    _read,
    codes,
)

NAME = "foster_care.toml"
#: The procurement service the starter kit is bought as (services.toml, effects.toml).
STARTER_KIT_SERVICE = "foster_starter_kit"
#: Closure reasons the pilot's own steps use (a refusal by the commission closes the case).
REQUIRED_CLOSURE_REASONS = ("commission_refused",)


@dataclass(frozen=True)
class Commission:
    """A guardianship and trusteeship commission that receives submissions by mail."""

    code: str
    names: Mapping[str, str]
    email: str
    language: str
    communities: tuple[str, ...]
    default: bool

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True)
class KitItem:
    code: str
    labels: Mapping[str, str]
    cost_amd: int


@dataclass(frozen=True)
class FosterRules:
    required_documents: tuple[Item, ...]
    outcomes: tuple[Item, ...]
    modules: tuple[Item, ...]
    commissions: tuple[Commission, ...]
    first_visit_within: timedelta
    visit_every: timedelta
    starter_kit: tuple[KitItem, ...]
    closure_reasons: tuple[Item, ...]

    @property
    def recommending_outcomes(self) -> list[str]:
        return [item.code for item in self.outcomes if item.extra.get("recommends")]

    @property
    def starter_kit_total_amd(self) -> int:
        return sum(item.cost_amd for item in self.starter_kit)

    def commission_for(self, community_code: str) -> Commission:
        for commission in self.commissions:
            if community_code in commission.communities:
                return commission
        return next(c for c in self.commissions if c.default)

    def as_facts(self) -> dict[str, Any]:
        """What the guards need of these rules, as plain data."""
        return {
            "required_documents": codes(self.required_documents),
            "recommending_outcomes": self.recommending_outcomes,
            "training_modules": codes(self.modules),
            "closure_reasons": {
                item.code: bool(item.extra.get("text")) for item in self.closure_reasons
            },
        }


def _days(value: Any, where: str) -> timedelta:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ReferenceDataError(f"{where} must be a whole number of days, at least 1")
    return timedelta(days=value)


def _commissions(raw: Mapping[str, Any]) -> tuple[Commission, ...]:
    tables = raw.get("commissions")
    if not isinstance(tables, list) or not tables:
        raise ReferenceDataError(f"{NAME}: 'commissions' must list at least one commission")
    commissions = []
    for number, table in enumerate(tables, 1):
        code = table.get("code")
        if not isinstance(code, str) or not CODE.match(code):
            raise ReferenceDataError(f"{NAME}: commission #{number}: 'code' must be a code")
        where = f"{NAME}: commission {code}"
        email = table.get("email")
        if not isinstance(email, str) or not EMAIL.match(email):
            raise ReferenceDataError(f"{where}: 'email' must be an e-mail address ({email!r})")
        language = table.get("language", "hy")
        if language not in LANGUAGES:
            raise ReferenceDataError(f"{where}: 'language' must be hy or en ({language!r})")
        communities = table.get("communities", [])
        if not isinstance(communities, list) or not all(
            isinstance(c, str) and CODE.match(c) for c in communities
        ):
            raise ReferenceDataError(f"{where}: 'communities' must list community codes")
        commissions.append(
            Commission(
                code=code,
                names=_labels(table.get("name"), where),
                email=email,
                language=str(language),
                communities=tuple(communities),
                default=table.get("default") is True,
            )
        )
    if sum(1 for c in commissions if c.default) != 1:
        raise ReferenceDataError(
            f"{NAME}: exactly one commission must be the default (default = true), for "
            "communities no commission lists"
        )
    return tuple(commissions)


def _starter_kit(raw: Mapping[str, Any]) -> tuple[KitItem, ...]:
    items = []
    for item in _items(raw, "starter_kit", NAME):
        cost = item.extra.get("cost_amd")
        if not isinstance(cost, int) or isinstance(cost, bool) or cost < 0:
            raise ReferenceDataError(
                f"{NAME}: starter_kit {item.code}: cost_amd must be a whole number of dram"
            )
        items.append(KitItem(code=item.code, labels=item.labels, cost_amd=cost))
    return tuple(items)


def load_foster_rules(directory: Path = PROGRAMME_DIR) -> FosterRules:
    raw = _read(directory, NAME)
    training = raw.get("training", {})
    monitoring = raw.get("monitoring", {})
    closure_reasons = _items(raw, "closure_reasons", NAME)
    missing = [c for c in REQUIRED_CLOSURE_REASONS if c not in codes(closure_reasons)]
    if missing:
        raise ReferenceDataError(f"{NAME}: closure_reasons must include {', '.join(missing)}")
    outcomes = _items(raw, "home_assessment_outcomes", NAME)
    if not any(item.extra.get("recommends") for item in outcomes):
        raise ReferenceDataError(
            f"{NAME}: at least one home_assessment_outcomes entry must have recommends = true"
        )
    if STARTER_KIT_SERVICE not in policies().purchases:
        raise ReferenceDataError(
            f"effects.toml: procurement.services must say how to buy {STARTER_KIT_SERVICE}"
        )
    return FosterRules(
        required_documents=_items(raw, "required_documents", NAME),
        outcomes=outcomes,
        modules=_items(training, "modules", f"{NAME}: [training]"),
        commissions=_commissions(raw),
        first_visit_within=_days(
            monitoring.get("first_visit_within_days"), f"{NAME}: monitoring.first_visit_within_days"
        ),
        visit_every=_days(
            monitoring.get("visit_every_days"), f"{NAME}: monitoring.visit_every_days"
        ),
        starter_kit=_starter_kit(raw),
        closure_reasons=closure_reasons,
    )


@lru_cache(maxsize=1)
def foster_rules() -> FosterRules:
    return load_foster_rules()
