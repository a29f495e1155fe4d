"""Refusals that any feature of the programme may give."""

from __future__ import annotations

from workflow.errors import InvalidInput


class NotAFamilyCase(InvalidInput):
    def __init__(self, case_id: int, workflow: str) -> None:
        super().__init__(f"case {case_id} is a {workflow} case, not a family case")


class CaseIsClosed(InvalidInput):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"case {case_id} is closed: reopen it before changing its file")


class AlreadyExists(InvalidInput):
    pass
