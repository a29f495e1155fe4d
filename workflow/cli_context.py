"""What every command of ``hogatar`` shares, the engine's and those that features plug
in: the runtime (built once per process, on first use), who is acting, JSON output."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from config.settings import get_settings
from workflow.errors import InvalidInput
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
#: The staff member the command acts for (``--actor``), whose scope its reads obey.
_acting_for: str | None = None
_acting_runtime: Runtime | None = None


def runtime() -> Runtime:
    """The process's runtime; while a command acts for a staff member (``--actor``),
    scoped to the cases they may read and change, as in the web app."""
    global _runtime, _acting_runtime
    if _runtime is None:
        from workflow.bootstrap import bootstrap

        _runtime = bootstrap(get_settings())
    if _acting_for is None:
        return _runtime
    if _acting_runtime is None:
        _acting_runtime = _runtime.acting_for(_acting_for)
    return _acting_runtime


def act_for(actor: str | None) -> None:
    """Scope what follows to ``actor`` (read from ``--actor`` before the command runs,
    so that every runtime the command takes is already scoped); None ends it."""
    global _acting_for, _acting_runtime
    _acting_for = actor.strip().casefold() if actor else None
    _acting_runtime = None


def actor_in(argv: list[str]) -> str | None:
    """The value of ``--actor`` in a command line, if any."""
    for index, argument in enumerate(argv):
        if argument.startswith("--actor="):
            return argument.partition("=")[2]
        if argument == "--actor" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def actor_of(actor: str | None) -> str:
    """Who is doing this: by default the login name (``cli:NAME``); given, an active
    staff username or an explicit ``cli:NAME`` / ``system:NAME`` (else exit 2)."""
    if actor is None:
        return f"cli:{getpass.getuser()}"
    return runtime().known_actor(actor)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def one_of(value: str | None, allowed: Iterable[str], option: str) -> str | None:
    """``value`` if it is one of ``allowed`` (None: the option was not given); anything
    else is bad input naming what is allowed. Every option with a fixed set of values
    (statuses, states, kinds, languages, queues) goes through here, with the domain's own
    list, so a typo never answers "nothing found" with exit 0."""
    if value is None:
        return None
    choices = list(allowed)
    if value not in choices:
        raise InvalidInput(f"{option}: {value!r} is not one of: {', '.join(choices)}")
    return value


def each_of(values: str | None, allowed: Iterable[str], option: str) -> list[str] | None:
    """A comma-separated list (``--queues a,b``), each of ``allowed``."""
    if values is None:
        return None
    choices = list(allowed)
    given = [value.strip() for value in values.split(",")]
    if not any(given):
        raise InvalidInput(f"{option}: give one or more of: {', '.join(choices)}")
    for value in given:
        one_of(value, choices, option)
    return given


#: A form is a few kilobytes; far larger is not a form (or a mistaken file).
MAX_FORM_BYTES = 1_000_000
#: A form nests three levels (family, members, a member); far deeper is not a form.
MAX_JSON_DEPTH = 32


def parse_json(text: str, source: str) -> Any:
    """JSON from the command line as bad input where it is not a form: not JSON, NaN or
    Infinity (not JSON numbers, though Python reads them), nested deeper than any form."""

    def refuse_constant(name: str) -> Any:
        raise InvalidInput(f"{source} holds {name}, which JSON has no number for: use null")

    try:
        parsed = json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source} is not valid JSON: {exc.msg} at position {exc.pos}") from None
    except RecursionError:
        raise InvalidInput(f"{source} nests deeper than {MAX_JSON_DEPTH} levels") from None
    if _depth(parsed) > MAX_JSON_DEPTH:
        raise InvalidInput(f"{source} nests deeper than {MAX_JSON_DEPTH} levels")
    return parsed


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


def read_json_text(path: Path) -> str:
    """A JSON file's text ('-': standard input), at most MAX_FORM_BYTES of UTF-8."""
    try:
        if str(path) == "-":
            raw = sys.stdin.buffer.read(MAX_FORM_BYTES + 1)
        else:
            with path.open("rb") as file:
                raw = file.read(MAX_FORM_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    if len(raw) > MAX_FORM_BYTES:
        raise InvalidInput(f"{path} is larger than a form can be (at most {MAX_FORM_BYTES} bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text (a binary file?): give a JSON file") from None
    if "\x00" in text:
        raise InvalidInput(f"{path} is not UTF-8 text (a binary file?): give a JSON file")
    return text
