"""``hogatar family ...``: register, show, search, update, add a member."""

from __future__ import annotations

import typer

from workflow.programme.families.cli import family_app


def register(app: typer.Typer) -> None:
    app.add_typer(family_app, name="family")
