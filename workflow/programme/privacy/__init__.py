"""The face of privacy/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts).

Data protection: the access log (who looked at which family file, when, from where),
the retention job (closed cases anonymised after HOGATAR_RETENTION_YEARS) and the
subject-access export of one family's complete file."""

from workflow.programme.privacy.anonymise import (
    MARK,
    DocumentStore,
    neutral_data,
    register_document_store,
)
from workflow.programme.privacy.commands import (
    ACCESS_KINDS,
    DOWNLOAD_DOCUMENT,
    EXPORT_CASES,
    EXPORT_REPORT,
    SUBJECT_ACCESS_EXPORT,
    VIEW_CASE,
    VIEW_FAMILY,
    DueCase,
    RetentionReport,
    RunRetention,
)
from workflow.programme.privacy.errors import CaseAnonymised
from workflow.programme.privacy.models import AccessLogRow, AnonymisedCaseRow, RetentionRunRow
from workflow.programme.privacy.retention import run_retention
from workflow.programme.privacy.services import AccessPage, list_access, record_access
from workflow.programme.privacy.subject_access import export_subject_file, subject_file

__all__ = [
    "ACCESS_KINDS",
    "AccessLogRow",
    "AccessPage",
    "AnonymisedCaseRow",
    "CaseAnonymised",
    "DOWNLOAD_DOCUMENT",
    "DocumentStore",
    "DueCase",
    "EXPORT_CASES",
    "EXPORT_REPORT",
    "MARK",
    "RetentionReport",
    "RetentionRunRow",
    "RunRetention",
    "SUBJECT_ACCESS_EXPORT",
    "VIEW_CASE",
    "VIEW_FAMILY",
    "export_subject_file",
    "list_access",
    "neutral_data",
    "record_access",
    "register_document_store",
    "run_retention",
    "subject_file",
]
