"""Refusals about families: not registered, a possible duplicate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workflow.errors import InvalidInput


class FamilyNotRegistered(InvalidInput):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"case {case_id} has no family registered (use `hogatar family register`)")


class PossibleDuplicate(InvalidInput):
    """Someone in this family already appears in an open case; the worker must confirm."""

    def __init__(
        self, matches: Sequence[str], case_ids: Sequence[int], *, found: Sequence[Any] = ()
    ) -> None:
        super().__init__(
            "possible duplicate: "
            + "; ".join(matches)
            + ". Check that case; to register anyway, confirm (--confirm-duplicate)"
        )
        self.matches = list(matches)
        self.case_ids = list(case_ids)
        #: The matches themselves (``DuplicateMatch``), for a page to word in its language.
        self.found = list(found)
