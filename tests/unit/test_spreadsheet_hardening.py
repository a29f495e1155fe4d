"""Spreadsheets as an attacker would use them: a family name that is a formula, a small
workbook that inflates to gigabytes, files with far more rows than a programme has
families. Exports neutralise formulas (phones stay phones); imports refuse oversized
files at once, in one line, with nothing written, and refuse formula cells row by row."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.programme_fixtures import register
from tests.unit.test_programme_import import HEADER, ROWS, run, write_csv, written
from workflow.programme.exchange import ImportProblems, ImportRefused, export_cases
from workflow.text import spreadsheet_cell

ROOT = Path(__file__).resolve().parents[2]
HYPERLINK = '=HYPERLINK("http://example.invalid/x","open")'


@pytest.mark.parametrize(
    ("value", "written_as"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("+374 91 123456", "+374 91 123456"),
        ("+374 (91) 12-34-56", "+374 (91) 12-34-56"),
        ("Սարգսյան", "Սարգսյան"),
        (12, 12),
    ],
)
def test_cells_a_spreadsheet_would_run_are_written_as_text(value, written_as):
    assert spreadsheet_cell(value) == written_as


def test_the_case_export_neutralises_a_formula_in_a_family_name(sqlite_runtime, tmp_path):
    register(sqlite_runtime, family_name=HYPERLINK, address="-1+1")
    path = tmp_path / "cases.csv"
    export_cases(sqlite_runtime, path=path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["family_name"] == "'" + HYPERLINK
    assert row["address"] == "'-1+1"
    assert row["phone"] == "+374 91 123456"  # a phone still reads as a phone
    assert not any(
        value.startswith(("=", "+", "-", "@")) for value in row.values() if value != row["phone"]
    )
    assert not list(tmp_path.glob(".*partial"))


def test_an_import_refuses_formula_cells_and_reads_back_escaped_text(sqlite_runtime, tmp_path):
    rows = [list(row) for row in ROWS]
    rows[0][1] = HYPERLINK  # F1's family name
    rows[2][3] = "'-Չարենցի 5"  # F2's address, escaped by an export: read back as typed
    rows[4][10] = "@cmd"  # F3's guardian
    before = written(sqlite_runtime)
    with pytest.raises(ImportProblems) as refused:
        run(sqlite_runtime, write_csv(tmp_path / "formulas.csv", rows))
    problems = [str(p) for p in refused.value.report.problems]
    assert problems == [
        "row 2, column family_name: starts with '=', which a spreadsheet runs as a formula: "
        "write the text without it",
        "row 6, column full_name: starts with '@', which a spreadsheet runs as a formula: "
        "write the text without it",
    ]
    assert written(sqlite_runtime) == before
    report = run(sqlite_runtime, write_csv(tmp_path / "formulas.csv", rows), skip_invalid=True)
    assert report.skipped == ["F1", "F3"]
    from workflow.programme import families

    view = families.family_view(sqlite_runtime, case_id=report.imported_case_ids[0])
    assert view["address"] == "-Չարենցի 5"


def limited(sqlite_runtime, **limits):
    sqlite_runtime.settings = sqlite_runtime.settings.model_copy(update=limits)
    return sqlite_runtime


def test_a_file_above_the_size_limit_is_refused_before_a_row_is_read(sqlite_runtime, tmp_path):
    rt = limited(sqlite_runtime, import_max_bytes=2_000)
    path = write_csv(tmp_path / "big.csv", ROWS * 20)
    with pytest.raises(
        ImportRefused, match=r"big.csv: it is \d+\.\d kB, more than the 2.0 kB"
    ) as e:
        run(rt, path)
    assert "HOGATAR_IMPORT_MAX_BYTES" in str(e.value) and written(rt) == (0, 0, 0, 0)


def test_a_workbook_that_would_inflate_is_refused_from_its_zip_directory(sqlite_runtime, tmp_path):
    rt = limited(sqlite_runtime, import_max_unpacked_bytes=5_000_000)
    path = tmp_path / "bomb.xlsx"
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 20_000_000)  # 20 MB of nothing
    assert path.stat().st_size < 100_000
    started = time.monotonic()
    with pytest.raises(ImportRefused, match=r"bomb.xlsx: it unpacks to 20.\d MB, more than 5.0 MB"):
        run(rt, path)
    assert time.monotonic() - started < 5  # refused from the directory, nothing unpacked


def test_more_rows_than_the_limit_are_refused_while_streaming(sqlite_runtime, tmp_path):
    rt = limited(sqlite_runtime, import_max_rows=100)
    path = tmp_path / "many.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for number in range(20_000):
        sheet.append([f"F{number}", "Սարգսյան", "hrazdan", "", "", "", "", "", "", "mother", "Անի"])
    workbook.save(path)
    with pytest.raises(ImportRefused, match="many.xlsx: it has more than 100 rows"):
        run(rt, path)
    assert written(rt) == (0, 0, 0, 0)


def test_a_long_import_says_how_far_it_is(sqlite_runtime, tmp_path):
    rows = [
        [f"F{n}", f"Ընտանիք{n}", "hrazdan", "", "", "", "", "", "", "guardian", f"Անի Ա{n}", "", ""]
        for n in range(260)
    ]
    heard: list[str] = []
    report = run(sqlite_runtime, write_csv(tmp_path / "long.csv", rows), progress=heard.append)
    assert len(report.imported_case_ids) == 260
    assert heard == [
        "checked 250 of 260 families",
        "registered 250 of 260 families",
        "saving 260 families in one transaction",
    ]


def test_the_cli_refuses_an_oversized_file_in_one_line_with_exit_2(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOGATAR_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HOGATAR_VAR_DIR": str(tmp_path / "var"),
        "HOGATAR_IMPORT_MAX_ROWS": "3",
    }
    subprocess.run(
        [sys.executable, "-m", "workflow.cli", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    path = write_csv(tmp_path / "five.csv", ROWS)
    done = subprocess.run(
        [sys.executable, "-m", "workflow.cli", "import", "families", str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "hogatar: cannot import five.csv: it has more than 3 rows (HOGATAR_IMPORT_MAX_ROWS); "
        "split it into smaller files\n"
    )
