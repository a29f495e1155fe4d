"""Sensitive fields of a family's file (health notes, disabilities) and who sees them,
from ``config/programme/privacy.toml``. Masking happens where the file is read for a
reader (the web page, the JSON API, ``hogatar family show --actor``), so every door
shows the same thing: the value to the roles that need it, and to everyone else only
whether it is filled."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from workflow.programme.shared.reference import PROGRAMME_DIR, ReferenceDataError, reference

#: The member fields that can be sensitive.
SENSITIVE_FIELDS = ("health_notes", "disability")
#: The text of a confidential case note (workflow/programme/notes): the roles named read
#: every one; its author and the case's psychologist read it whatever their role.
CONFIDENTIAL_NOTES = "confidential_notes"
#: What privacy.toml may name, and who sees it when the file does not say.
CONFIGURED = (*SENSITIVE_FIELDS, CONFIDENTIAL_NOTES)
DEFAULT_ROLES = {CONFIDENTIAL_NOTES: ("admin", "manager")}


@lru_cache(maxsize=1)
def sensitive_fields() -> Mapping[str, frozenset[str]]:
    """Field -> the roles that see it; start-up stops on a bad file, naming what is wrong."""
    path = PROGRAMME_DIR / "privacy.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")).get("sensitive_fields", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ReferenceDataError(f"privacy.toml: cannot be read: {exc}") from None
    known = frozenset(item.code for item in reference().staff_roles)
    fields: dict[str, frozenset[str]] = {}
    for field in CONFIGURED:
        roles = raw.get(field, sorted(DEFAULT_ROLES.get(field, known)))
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ReferenceDataError(f"privacy.toml: {field} must be a list of roles")
        unknown = sorted(set(roles) - known)
        if unknown:
            raise ReferenceDataError(
                f"privacy.toml: {field} names unknown role {unknown[0]!r}; "
                f"roles: {', '.join(sorted(known))}"
            )
        fields[field] = frozenset(roles)
    extra = sorted(set(raw) - set(CONFIGURED))
    if extra:
        raise ReferenceDataError(
            f"privacy.toml: {extra[0]!r} is not a sensitive field; fields: {', '.join(CONFIGURED)}"
        )
    return fields


def may_see(field: str, role: str | None) -> bool:
    """``role`` None: an operator at the command line (``cli:NAME``), who sees all."""
    return role is None or role in sensitive_fields()[field]


def masked_member(member: Mapping[str, Any], role: str | None) -> dict[str, Any]:
    """A member as ``role`` may read it: a hidden field is None, and ``hidden`` lists
    each hidden field with whether it is filled."""
    shown = dict(member)
    hidden: dict[str, bool] = {}
    for field in SENSITIVE_FIELDS:
        if field in shown and not may_see(field, role):
            hidden[field] = bool(shown[field])
            shown[field] = None
    if hidden:
        shown["hidden"] = hidden
    return shown
