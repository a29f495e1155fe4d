"""The face of inbox/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.inbox.models import InboxItemRow
from workflow.programme.inbox.queries import inbox
from workflow.programme.inbox.services import (
    SYSTEM_ACTOR,
    active_managers,
    add_inbox_item,
    escalate_to,
    mark_inbox_read,
    note_done,
    send_mail,
    staff_contact,
)

__all__ = [
    "InboxItemRow",
    "SYSTEM_ACTOR",
    "active_managers",
    "add_inbox_item",
    "escalate_to",
    "inbox",
    "mark_inbox_read",
    "note_done",
    "send_mail",
    "staff_contact",
]
