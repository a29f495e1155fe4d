"""``hogatar inbox``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.cli_context import JsonFlag, runtime
from workflow.programme.inbox import queries
from workflow.programme.shared.cli import show_rows
from workflow.programme.staff import existing_staff


def inbox(
    username: str,
    include_read: Annotated[bool, typer.Option("--all")] = False,
    as_json: JsonFlag = False,
) -> None:
    """A staff member's in-app inbox (unread items)."""
    username = existing_staff(runtime(), username)
    show_rows(
        queries.inbox(runtime(), username=username, unread_only=not include_read),
        as_json,
        lambda i: f"#{i['id']} {i['kind']} case {i['case_id']} ({i['created_at']})",
        "the inbox is empty",
    )
