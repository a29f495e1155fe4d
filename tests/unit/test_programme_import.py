"""Importing the programme's spreadsheets: every row checked, a row/column/problem report,
all or nothing unless --skip-invalid; and the CSV export read back."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.programme_fixtures import register
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme import families as programme_queries
from workflow.programme.exchange import (
    COLUMNS,
    ImportProblems,
    ImportRefused,
    export_cases,
    import_families,
)
from workflow.programme.families import FamilyRow, MemberRow

HEADER = [
    "family_ref",
    "family_name",
    "community",
    "address",
    "phone",
    "referral_partner_type",
    "state_benefit",
    "consent_purpose",
    "consent_date",
    "role",
    "full_name",
    "date_of_birth",
    "disability",
]
ROWS = [
    [
        "F1",
        "Սարգսյան",
        "Հրազդան",
        "Չարենցի 5",
        "+374 91 111111",
        "ngo",
        "yes",
        "Մասնակցություն",
        "10.01.2026",
        "mother",
        "Անի Սարգսյան",
        "02.04.1990",
        "no",
    ],
    ["F1", "", "", "", "", "", "", "", "", "child", "Նարե Սարգսյան", "2016-09-01", "yes"],
    [
        "F2",
        "Ղազարյան",
        "garni",
        "",
        "091 222222",
        "",
        "no",
        "",
        "",
        "father",
        "Արամ Ղազարյան",
        "1985-03-03",
        "",
    ],
    ["F2", "", "", "", "", "", "", "", "", "child", "Մանե Ղազարյան", "2018-12-31", ""],
    [
        "F3",
        "Hovhannisyan",
        "Abovyan",
        "",
        "",
        "local_self_government",
        "",
        "",
        "",
        "guardian",
        "Lusine Hovhannisyan",
        "",
        "",
    ],
]


def write_csv(path: Path, rows, header=HEADER, encoding="utf-8-sig", delimiter=","):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def written(rt):
    with rt.session_factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (CaseRow, CaseEventRow, FamilyRow, MemberRow)
        )


def run(rt, path, **kwargs):
    return import_families(rt, path=path, actor="importer", **kwargs)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_valid_file_imports_every_family(sqlite_runtime, tmp_path, writer):
    path = writer(tmp_path / f"families{'.csv' if writer is write_csv else '.xlsx'}", ROWS)
    report = run(sqlite_runtime, path)
    assert (report.rows, report.families, report.problems) == (5, 3, [])
    assert len(report.imported_case_ids) == 3
    first = programme_queries.family_view(sqlite_runtime, case_id=report.imported_case_ids[0])
    assert (first["family_name"], first["community"]["code"], first["state_benefit"]) == (
        "Սարգսյան",
        "hrazdan",
        True,
    )
    assert [
        (m["role"], m["full_name"], m["date_of_birth"], m["disability"]) for m in first["members"]
    ] == [
        ("mother", "Անի Սարգսյան", "1990-04-02", False),
        ("child", "Նարե Սարգսյան", "2016-09-01", True),
    ]
    assert first["consents"][0]["given_on"] == "2026-01-10"
    assert report.lines()[-1].startswith("imported 3 families (cases ")


def problems_of(rt, path, **kwargs):
    before = written(rt)
    with pytest.raises(ImportProblems) as refused:
        run(rt, path, **kwargs)
    assert written(rt) == before  # nothing at all was written
    return [str(p) for p in refused.value.report.problems], refused.value


def test_bad_dates_are_reported_by_row_and_column(sqlite_runtime, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][11] = "31.02.2016"
    rows[3][11] = "2030-01-01"
    rows[0][8] = "yesterday"
    problems, refused = problems_of(sqlite_runtime, write_csv(tmp_path / "f.csv", rows))
    assert problems == [
        "row 2, column consent_date: 'yesterday' is not a date (use 2024-03-15 or 15.03.2024)",
        "row 3, column date_of_birth: '31.02.2016' is not a date (use 2024-03-15 or 15.03.2024)",
        "row 5, column date_of_birth: 2030-01-01 is in the future",
    ]
    assert str(refused) == (
        "nothing imported from f.csv: 3 problems in 2 of 3 families "
        "(fix them, or use --skip-invalid to import the 1 valid ones)"
    )


def test_an_unknown_community_is_reported(sqlite_runtime, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][2] = "Ատլանտիդա"
    problems, _ = problems_of(sqlite_runtime, write_xlsx(tmp_path / "f.xlsx", rows))
    assert problems == [
        "row 4, column community: unknown community 'Ատլանտիդա' (see `hogatar community list`)"
    ]


def test_missing_required_fields_are_reported(sqlite_runtime, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][1] = ""  # F1 has no family name on any row
    rows[3][10] = ""  # a child without a name
    rows[4][0] = ""  # a row that belongs to no family
    rows[2][9] = "uncle"
    problems, _ = problems_of(sqlite_runtime, write_csv(tmp_path / "f.csv", rows))
    assert problems == [
        "row 2, column family_name: is required",
        "row 4, column role: 'uncle' is not one of: mother, father, guardian, child, other",
        "row 5, column full_name: is required",
        "row 6, column family_ref: is required: the same value on every row of one family",
    ]


def test_family_values_that_disagree_are_reported(sqlite_runtime, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][2] = "Abovyan"
    problems, _ = problems_of(sqlite_runtime, write_csv(tmp_path / "f.csv", rows))
    assert problems == [
        "row 3, column community: 'Abovyan' differs from row 2 ('Հրազդան') of the same family"
    ]


def test_a_missing_required_column_refuses_the_file(sqlite_runtime, tmp_path):
    header = [h for h in HEADER if h != "community"]
    rows = [[v for h, v in zip(HEADER, r, strict=True) if h != "community"] for r in ROWS]
    before = written(sqlite_runtime)
    with pytest.raises(
        ImportRefused, match="row 1 of f.csv lacks the required column.s. community"
    ):
        run(sqlite_runtime, write_csv(tmp_path / "f.csv", rows, header=header))
    assert written(sqlite_runtime) == before


def test_an_unknown_column_is_a_problem(sqlite_runtime, tmp_path):
    header = [*HEADER, "favourite colour"]
    rows = [[*r, "blue"] for r in ROWS]
    problems, _ = problems_of(sqlite_runtime, write_csv(tmp_path / "f.csv", rows, header=header))
    assert problems[0].startswith("row 1, column favourite_colour: unknown column; known")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("families.pdf", b"%PDF-1.4", "use a .csv or .xlsx file (got .pdf)"),
        ("families", b"a,b", "use a .csv or .xlsx file (got no extension)"),
        ("families.csv", b"", "families.csv is empty"),
        ("families.csv", b"\xef\xbb\xbf\r\n\r\n", "families.csv is empty"),
        ("families.csv", ",".join(HEADER).encode() + b"\n", "has a header but no rows"),
        ("families.xlsx", b"not a zip at all", "is not a readable .xlsx workbook"),
        ("families.csv", "Սարգսյան".encode("utf-16"), "is not UTF-8 text"),
    ],
)
def test_unreadable_files_are_refused_plainly(sqlite_runtime, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = written(sqlite_runtime)
    with pytest.raises(ImportRefused, match=re.escape(message)):
        run(sqlite_runtime, path)
    assert written(sqlite_runtime) == before


def test_an_empty_workbook_is_refused(sqlite_runtime, tmp_path):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(ImportRefused, match="empty.xlsx is empty"):
        run(sqlite_runtime, path)


def test_a_missing_file_is_refused(sqlite_runtime, tmp_path):
    with pytest.raises(ImportRefused, match="no such file"):
        run(sqlite_runtime, tmp_path / "nowhere.csv")


def test_skip_invalid_imports_the_valid_families_and_reports_the_rest(sqlite_runtime, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[3][11] = "not a date"
    report = run(sqlite_runtime, write_csv(tmp_path / "f.csv", rows), skip_invalid=True)
    assert report.skipped == ["F2"]
    assert [str(p) for p in report.problems] == [
        "row 5, column date_of_birth: 'not a date' is not a date (use 2024-03-15 or 15.03.2024)"
    ]
    imported = [
        programme_queries.family_view(sqlite_runtime, case_id=c)["family_name"]
        for c in report.imported_case_ids
    ]
    assert imported == ["Սարգսյան", "Hovhannisyan"]
    assert "skipped 1 with problems: F2" in report.lines()[-1]


def test_duplicates_against_open_cases_and_within_the_file(sqlite_runtime, tmp_path):
    existing = register(sqlite_runtime, family_name="Սարգսյան", phone="+374 91 999999")
    rows = [list(r) for r in ROWS]
    rows.append(
        [
            "F4",
            "Սարգսյան",
            "Bjni",
            "",
            "",
            "",
            "",
            "",
            "",
            "child",
            "ՆԱՐԵ ՍԱՐԳՍՅԱՆ",
            "01.09.2016",
            "",
        ]
    )
    problems, _ = problems_of(sqlite_runtime, write_csv(tmp_path / "f.csv", rows))
    assert len(problems) == 2
    assert problems[0].startswith("row 2, column full_name: possible duplicate: child Նարե")
    assert f"open case {existing}" in problems[0]
    assert "--confirm-duplicates" in problems[0]
    assert problems[1].startswith("row 7, column full_name: possible duplicate")
    # Confirmed: the file's own repetition is still caught.
    problems, _ = problems_of(
        sqlite_runtime, write_csv(tmp_path / "f.csv", rows), confirm_duplicates=True
    )
    assert problems == ["row 7, column full_name: ՆԱՐԵ ՍԱՐԳՍՅԱՆ is also in family F1 of this file"]


def test_excel_csv_with_semicolons_and_headers_in_words(sqlite_runtime, tmp_path):
    header = [h.replace("_", " ").title() for h in HEADER]
    path = write_csv(tmp_path / "f.csv", ROWS[:2], header=header, delimiter=";")
    assert len(run(sqlite_runtime, path).imported_case_ids) == 1


def test_export_writes_every_case_and_reads_back_in_excel_encoding(sqlite_runtime, tmp_path):
    report = run(sqlite_runtime, write_xlsx(tmp_path / "f.xlsx", ROWS))
    out = tmp_path / "cases.csv"
    assert export_cases(sqlite_runtime, path=out) == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel shows Armenian only with the BOM
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)
    assert [int(r["case_id"]) for r in rows] == report.imported_case_ids
    assert (rows[0]["family_name"], rows[0]["community"], rows[0]["children"]) == (
        "Սարգսյան",
        "Հրազդան",
        "1",
    )
    assert rows[0]["consent_on_file"] == "yes" and rows[2]["consent_on_file"] == "no"
    assert export_cases(sqlite_runtime, path=out, state="closed") == 0
    with pytest.raises(Exception, match="unknown state 'lost'"):
        export_cases(sqlite_runtime, path=out, state="lost")
