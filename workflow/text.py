"""Text hygiene: everything stored is Unicode NFC so Armenian round-trips and compares."""

from __future__ import annotations

import unicodedata


def clean(value: str | None) -> str | None:
    """NFC, trimmed; blank becomes None."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None
