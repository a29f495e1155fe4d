"""Text hygiene: everything stored is Unicode NFC so Armenian round-trips and compares."""

from __future__ import annotations

import unicodedata


def clean(value: str | None) -> str | None:
    """NFC, trimmed; blank becomes None."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def search_key(value: str) -> str:
    """The form names are searched by: NFC, case folded, inner spaces collapsed.

    Stored next to the name and compared with LIKE, so matching ignores case identically
    on SQLite (whose LOWER() knows ASCII only) and PostgreSQL, Armenian included.
    """
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())
