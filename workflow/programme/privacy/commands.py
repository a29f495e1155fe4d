"""What the privacy feature is asked for and what it answers: the kinds of access it logs,
a retention run asked for, and what the run found for each case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workflow.clock import local_day

#: What the access log records. A look at one family's data names the case; an export of
#: many cases or a report does not.
VIEW_CASE = "view_case"
VIEW_FAMILY = "view_family"
DOWNLOAD_DOCUMENT = "download_document"
EXPORT_CASES = "export_cases"
EXPORT_REPORT = "export_report"
SUBJECT_ACCESS_EXPORT = "subject_access_export"
ACCESS_KINDS = (
    VIEW_CASE,
    VIEW_FAMILY,
    DOWNLOAD_DOCUMENT,
    EXPORT_CASES,
    EXPORT_REPORT,
    SUBJECT_ACCESS_EXPORT,
)


@dataclass(frozen=True)
class RunRetention:
    actor: str
    dry_run: bool = True
    #: Only these cases (the dry run then says why each one not due is not listed).
    case_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class DueCase:
    """A closed case past the retention period, and what anonymising it removes."""

    case_id: int
    closed_at: datetime
    #: Rows holding personal data, per table (``members: 3``).
    removes: dict[str, int]


@dataclass(frozen=True)
class RetentionReport:
    run_id: int
    dry_run: bool
    retention_years: int
    closed_before: date
    due: list[DueCase]
    #: Cases asked for with --cases that are not due, with why.
    not_due: dict[int, str] = field(default_factory=dict)
    access_entries_purged: int = 0
    problems: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "dry_run": self.dry_run,
            "retention_years": self.retention_years,
            "closed_before": self.closed_before.isoformat(),
            "cases": [
                {
                    "case_id": case.case_id,
                    "closed_on": local_day(case.closed_at).isoformat(),
                    "removes": case.removes,
                }
                for case in self.due
            ],
            "not_due": {str(case_id): why for case_id, why in self.not_due.items()},
            "access_entries_purged": self.access_entries_purged,
            "problems": {str(case_id): why for case_id, why in self.problems.items()},
        }
