"""The kinds of document that are data (``config/programme/documents.toml``): each kind's
labels, whether it expires and how long before its expiry the worker is reminded,
whether it is sensitive; and who may download a sensitive one (``privacy.toml``
``[documents] sensitive_readers``). Read and checked once; start-up stops on a bad file,
naming what is wrong."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from workflow.programme.shared.reference import (
    PROGRAMME_DIR,
    Item,
    ReferenceDataError,
    _items,
    _read,
    codes,
    reference,
)

NAME = "documents.toml"
#: Who downloads a sensitive document when privacy.toml does not say.
DEFAULT_SENSITIVE_READERS = ("admin", "manager", "psychologist")


@dataclass(frozen=True)
class DocumentKind:
    item: Item
    expires: bool
    #: How long before the expiry the worker is reminded (kinds that expire).
    remind_before: timedelta
    sensitive: bool

    @property
    def code(self) -> str:
        return self.item.code


@dataclass(frozen=True)
class DocumentRules:
    kinds: tuple[DocumentKind, ...]
    #: Roles that download the documents of sensitive kinds.
    sensitive_readers: frozenset[str]

    def kind(self, code: str) -> DocumentKind | None:
        return next((kind for kind in self.kinds if kind.code == code), None)

    def kind_codes(self) -> list[str]:
        return [kind.code for kind in self.kinds]

    def items(self) -> tuple[Item, ...]:
        return tuple(kind.item for kind in self.kinds)


def _kind(item: Item) -> DocumentKind:
    where = f"{NAME}: kind {item.code!r}"
    unknown = sorted(set(item.extra) - {"expires", "remind_days_before", "sensitive"})
    if unknown:
        raise ReferenceDataError(f"{where}: unknown key {unknown[0]!r}")
    expires, sensitive = item.extra.get("expires", False), item.extra.get("sensitive", False)
    for key, value in (("expires", expires), ("sensitive", sensitive)):
        if not isinstance(value, bool):
            raise ReferenceDataError(f"{where}: {key} must be true or false (got {value!r})")
    days = item.extra.get("remind_days_before", 30 if expires else 0)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0 or days > 365:
        raise ReferenceDataError(
            f"{where}: remind_days_before must be a whole number from 0 to 365 (got {days!r})"
        )
    if days and not expires:
        raise ReferenceDataError(f"{where}: remind_days_before is for kinds that expire")
    return DocumentKind(
        item=item, expires=expires, remind_before=timedelta(days=days), sensitive=sensitive
    )


def _sensitive_readers(directory: Path) -> frozenset[str]:
    path = directory / "privacy.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")).get("documents", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ReferenceDataError(f"privacy.toml: cannot be read: {exc}") from None
    roles = raw.get("sensitive_readers", list(DEFAULT_SENSITIVE_READERS))
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise ReferenceDataError("privacy.toml: [documents] sensitive_readers must list roles")
    known = set(codes(reference().staff_roles))
    unknown = sorted(set(roles) - known)
    if unknown:
        raise ReferenceDataError(
            f"privacy.toml: [documents] sensitive_readers names unknown role {unknown[0]!r}; "
            f"roles: {', '.join(sorted(known))}"
        )
    return frozenset(roles)


def load_document_rules(directory: Path = PROGRAMME_DIR) -> DocumentRules:
    raw = _read(directory, NAME)
    return DocumentRules(
        kinds=tuple(_kind(item) for item in _items(raw, "kinds", NAME)),
        sensitive_readers=_sensitive_readers(directory),
    )


@lru_cache(maxsize=1)
def document_rules() -> DocumentRules:
    return load_document_rules()


def may_download(kind: str, role: str | None) -> bool:
    """A document of a sensitive kind: the roles privacy.toml names (an operator, role
    None, too); any other: whoever may open the case."""
    found = document_rules().kind(kind)
    if found is None or not found.sensitive or role is None:
        return True
    return role in document_rules().sensitive_readers
