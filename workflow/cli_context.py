"""What every command of ``hogatar`` shares, the engine's and those that features plug
in: the runtime (built once per process, on first use), who is acting, JSON output."""

from __future__ import annotations

import getpass
import json
from typing import Annotated, Any

import typer

from config.settings import get_settings
from workflow.runtime import Runtime

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        help="Who is doing this: an active staff username (hogatar staff list), or "
        "cli:NAME / system:NAME (default: cli:<your login name>).",
    ),
]
_runtime: Runtime | None = None


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        from workflow.bootstrap import bootstrap

        _runtime = bootstrap(get_settings())
    return _runtime


def actor_of(actor: str | None) -> str:
    """Who is doing this: by default the login name (``cli:NAME``); given, an active
    staff username or an explicit ``cli:NAME`` / ``system:NAME`` (else exit 2)."""
    if actor is None:
        return f"cli:{getpass.getuser()}"
    return runtime().known_actor(actor)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))
