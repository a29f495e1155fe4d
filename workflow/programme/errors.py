"""Errors of the programme's case file, in words a social worker understands."""

from __future__ import annotations

from workflow.errors import HogatarError


class ImportRefused(HogatarError):
    """The file cannot be imported at all (wrong type, empty, unreadable)."""
