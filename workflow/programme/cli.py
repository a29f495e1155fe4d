"""CLI commands of the programme's case file (families, assessments, plans, ...)."""

from __future__ import annotations

import typer


def register_commands(app: typer.Typer) -> None:
    """Add the programme's command groups to the ``hogatar`` app."""
