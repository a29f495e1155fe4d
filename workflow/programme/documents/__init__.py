"""The face of documents/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts).

Documents attached to a case or to a household member (scanned consent, ID documents,
certificates, receipts, photos), of a kind listed in config/programme/documents.toml.
An upload is refused before anything is stored when it is too large
(HOGATAR_DOCUMENT_MAX_BYTES) or not a PDF, JPEG, PNG, HEIC or WebP by its content; its
file is kept outside the database, content-addressed (``store``), and given out only by
document id to a reader whose scope holds its case, each download in the access log.
A kind that expires reminds the case's social worker before it does."""

from workflow.programme.documents.commands import AddDocument, DocumentAdded
from workflow.programme.documents.config import (
    DocumentKind,
    DocumentRules,
    document_rules,
    may_download,
)
from workflow.programme.documents.content import ACCEPTED, ACCEPTED_NAMES
from workflow.programme.documents.errors import (
    DocumentFileMissing,
    DocumentNotFound,
    DocumentRemoved,
    DocumentRestricted,
)
from workflow.programme.documents.models import DocumentRow
from workflow.programme.documents.queries import (
    DocumentReader,
    Download,
    case_documents,
    case_members,
    document_of,
    open_document,
)
from workflow.programme.documents.services import check_fields
from workflow.programme.documents.store import (
    DocumentStore,
    FileStore,
    StagedFile,
    document_store,
    megabytes,
)

__all__ = [
    "ACCEPTED",
    "ACCEPTED_NAMES",
    "AddDocument",
    "DocumentAdded",
    "DocumentFileMissing",
    "DocumentKind",
    "DocumentNotFound",
    "DocumentReader",
    "DocumentRemoved",
    "DocumentRestricted",
    "DocumentRow",
    "DocumentRules",
    "DocumentStore",
    "Download",
    "FileStore",
    "StagedFile",
    "case_documents",
    "case_members",
    "check_fields",
    "document_of",
    "document_rules",
    "document_store",
    "may_download",
    "megabytes",
    "open_document",
]
