"""The face of administration/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts).

The administration's history: who changed which staff member, partner or community,
when, and what it was before and after. The changes themselves are made by the rooms
they belong to (staff/, referrals/), each recording here in its own transaction."""

from workflow.programme.administration.history import (
    AREAS,
    PAGE_SIZE,
    HistoryFilter,
    history_actors,
    record,
    recorded_changes,
)
from workflow.programme.administration.models import AdminChangeRow

__all__ = [
    "AREAS",
    "PAGE_SIZE",
    "AdminChangeRow",
    "HistoryFilter",
    "recorded_changes",
    "history_actors",
    "record",
]
