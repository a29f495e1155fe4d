"""Reading a spreadsheet (CSV or XLSX) into numbered rows of named cells.

The programme's family lists are spreadsheets; people save them as .xlsx or as CSV from
Excel (often UTF-8 with a byte-order mark). Anything else is refused with a plain reason.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow.errors import HogatarError
from workflow.text import search_key

SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: dict[str, Any]


@dataclass(frozen=True)
class Sheet:
    columns: list[str]
    rows: list[Row]


def column_name(header: Any) -> str:
    """ "Date of birth" and "date_of_birth" are the same column."""
    return search_key(str(header or "")).replace(" ", "_").replace("-", "_")


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.casefold()
    if suffix not in SUFFIXES:
        raise ImportRefused(
            f"cannot import {path.name!r}: use a .csv or .xlsx file "
            f"(got {suffix or 'no extension'})"
        )
    if not path.is_file():
        raise ImportRefused(f"cannot import {path}: no such file")
    raw_rows = list(_csv_rows(path) if suffix == ".csv" else _xlsx_rows(path))
    while raw_rows and _blank(raw_rows[0]):
        raw_rows.pop(0)
    if not raw_rows:
        raise ImportRefused(f"{path.name} is empty: it needs a header row and one row per person")
    header = [column_name(cell) for cell in raw_rows[0]]
    while header and not header[-1]:
        header.pop()
    rows = [
        Row(number=number, cells=dict(zip(header, values, strict=False)))
        for number, values in enumerate(raw_rows[1:], start=2)
        if not _blank(values)
    ]
    if not rows:
        raise ImportRefused(f"{path.name} has a header but no rows to import")
    return Sheet(columns=header, rows=rows)


def _blank(values: list[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        raise ImportRefused(
            f"{path.name} is not UTF-8 text: save it from Excel as 'CSV UTF-8'"
        ) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise ImportRefused(f"{path.name} is not a readable .xlsx workbook") from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


class ImportRefused(HogatarError):
    """The file cannot be imported at all (wrong type, empty, unreadable)."""
