"""``hogatar staff|community|import|export|demo ...``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.programme.exchange.cli import export_app, import_app
from workflow.programme.staff.cli import community_app, staff_app

demo_app = typer.Typer(no_args_is_help=True, help="Demonstration data.")


@demo_app.command("seed")
def seed(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing (and succeed) if cases exist.")
    ] = False,
    families: Annotated[int, typer.Option("--families", min=1, max=500)] = 80,
) -> None:
    """Create realistic demonstration families, staff and service histories."""
    from config.settings import get_settings
    from workflow.programme.demo import seed_demo

    result = seed_demo(get_settings(), families=families, if_empty=if_empty)
    typer.echo(result)


def register(app: typer.Typer) -> None:
    app.add_typer(staff_app, name="staff")
    app.add_typer(community_app, name="community")
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    app.add_typer(demo_app, name="demo")
