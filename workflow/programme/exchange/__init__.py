"""The face of exchange/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.exchange.export import COLUMNS, export_cases
from workflow.programme.exchange.imports import ImportProblems, import_families
from workflow.programme.exchange.sheets import ImportRefused

__all__ = [
    "COLUMNS",
    "ImportProblems",
    "ImportRefused",
    "export_cases",
    "import_families",
]
