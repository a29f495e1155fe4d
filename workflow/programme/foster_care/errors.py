"""Refusals of the foster-care pilot, in words a social worker understands."""

from __future__ import annotations

from collections.abc import Sequence

from workflow.errors import InvalidInput


class NotAFosterCase(InvalidInput):
    def __init__(self, case_id: int, workflow: str) -> None:
        super().__init__(
            f"case {case_id} is a {workflow} case, not a foster family's: "
            "`hogatar foster` commands work on foster-care cases only"
        )


class FosterFamilyNotRegistered(InvalidInput):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"case {case_id} has no foster family on file")


class WrongStep(InvalidInput):
    """A step recorded while the case is elsewhere on its way (a match before approval)."""

    def __init__(self, case_id: int, what: str, state: str, states: Sequence[str]) -> None:
        super().__init__(
            f"case {case_id} is in {state}: {what} is recorded while the case is in "
            f"{' or '.join(states)}"
        )
