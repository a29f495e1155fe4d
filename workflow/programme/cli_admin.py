"""``hogatar staff|community|import|export|demo ...``."""

from __future__ import annotations

import typer

from workflow.programme.demo.cli import demo_app
from workflow.programme.exchange.cli import export_app, import_app
from workflow.programme.staff.cli import community_app, staff_app


def register(app: typer.Typer) -> None:
    app.add_typer(staff_app, name="staff")
    app.add_typer(community_app, name="community")
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    app.add_typer(demo_app, name="demo")
