"""Refusals of the privacy feature, in words an operator acts on."""

from __future__ import annotations

from datetime import datetime

from workflow.clock import local_day
from workflow.errors import InvalidInput

REOPEN = "its personal data is gone, so it cannot be reopened; register the family again"
EXPORT = "the programme holds none of this family's personal data any more: nothing to export"


class CaseAnonymised(InvalidInput):
    """The case's personal data was removed by the retention job: it stays closed."""

    def __init__(self, case_id: int, anonymised_at: datetime, consequence: str) -> None:
        super().__init__(
            f"case {case_id} was anonymised on {local_day(anonymised_at).isoformat()} under "
            f"the retention rule (HOGATAR_RETENTION_YEARS): {consequence}"
        )
        self.case_id = case_id
