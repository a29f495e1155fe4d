"""``hogatar demo``."""

from __future__ import annotations

from typing import Annotated

import typer

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
    from workflow.programme.demo.seed import seed_demo

    result = seed_demo(get_settings(), families=families, if_empty=if_empty)
    typer.echo(result)
