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
from workflow.text import FORMULA_STARTS, search_key

SUFFIXES = (".csv", ".xlsx")
FORMULA_FIRST = frozenset(FORMULA_STARTS)


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


@dataclass(frozen=True)
class Limits:
    """What an import accepts (settings ``import_max_*``): checked before rows are read,
    and while they stream, so an oversized file is refused in a moment, not after minutes."""

    max_bytes: int = 10_000_000
    max_unpacked_bytes: int = 100_000_000
    max_rows: int = 5_000
    #: Columns read per row; a sheet has about fifteen, a hostile one sixteen thousand.
    max_columns: int = 64


def read_sheet(path: Path, limits: Limits | None = None) -> Sheet:
    limits = limits or Limits()
    suffix = path.suffix.casefold()
    if suffix not in SUFFIXES:
        raise ImportRefused(
            f"cannot import {path.name!r}: use a .csv or .xlsx file "
            f"(got {suffix or 'no extension'})"
        )
    if not path.is_file():
        raise ImportRefused(f"cannot import {path}: no such file")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ImportRefused(
            f"cannot import {path.name}: it is {_megabytes(size)}, more than the "
            f"{_megabytes(limits.max_bytes)} an import takes (HOGATAR_IMPORT_MAX_BYTES); "
            f"split it into smaller files"
        )
    raw = _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path, limits)
    header: list[str] | None = None
    rows: list[Row] = []
    for number, values in _numbered(raw, path):
        values = values[: limits.max_columns]
        if _blank(values):
            continue
        if header is None:
            header = [column_name(cell) for cell in values]
            while header and not header[-1]:
                header.pop()
            continue
        if len(rows) >= limits.max_rows:
            raise ImportRefused(
                f"cannot import {path.name}: it has more than {limits.max_rows:,} rows "
                f"(HOGATAR_IMPORT_MAX_ROWS); split it into smaller files"
            )
        cells = {name: _unquoted(value) for name, value in zip(header, values, strict=False)}
        rows.append(Row(number=number, cells=cells))
    if header is None:
        raise ImportRefused(f"{path.name} is empty: it needs a header row and one row per person")
    if not rows:
        raise ImportRefused(f"{path.name} has a header but no rows to import")
    return Sheet(columns=header, rows=rows)


def _numbered(raw: Iterator[list[Any]], path: Path) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    try:
        for number, values in enumerate(raw, start=1):  # noqa: B007 - read after a failure
            yield number, values
    except csv.Error as exc:
        raise ImportRefused(f"{path.name}, row {number + 1}: not readable as CSV ({exc})") from None


def _megabytes(size: int) -> str:
    if size < 1_000_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def _unquoted(value: Any) -> Any:
    """Text this app's exports wrote with a protective apostrophe ("'-asthma") reads back
    as it was typed; the import then refuses what would be a formula."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_FIRST:
        return value[1:]
    return value


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


def _xlsx_rows(path: Path, limits: Limits) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    _refuse_zip_bomb(path, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise ImportRefused(f"{path.name} is not a readable .xlsx workbook") from None
    try:
        sheet = workbook.worksheets[0]
        # Streamed (read-only mode): rows are parsed as they are asked for.
        for values in sheet.iter_rows(values_only=True, max_col=limits.max_columns):
            yield list(values)
    finally:
        workbook.close()


def _refuse_zip_bomb(path: Path, limits: Limits) -> None:
    """An .xlsx is a zip: its directory says how large the parts unpack, before any is."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ImportRefused(f"{path.name} is not a readable .xlsx workbook") from None
    if unpacked > limits.max_unpacked_bytes:
        raise ImportRefused(
            f"cannot import {path.name}: it unpacks to {_megabytes(unpacked)}, more than "
            f"{_megabytes(limits.max_unpacked_bytes)} (HOGATAR_IMPORT_MAX_UNPACKED_BYTES); "
            f"save only the sheet of families, or split it"
        )


class ImportRefused(HogatarError):
    """The file cannot be imported at all (wrong type, empty, unreadable)."""
