"""``hogatar import families FILE``: one row per person, grouped into families by
``family_ref``; family columns (name, community, phone, ...) may be filled on the first
row of a family only.

Every row is checked first and every problem is reported as row, column and problem.
If any row is invalid nothing is written, unless ``skip_invalid``: then the families
without problems are imported (all in one transaction) and the others are reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workflow.clock import local_day
from workflow.programme.exchange.sheets import ImportRefused, Limits, Row, read_sheet
from workflow.programme.families import (
    FamilyInput,
    RegisterFamily,
    find_duplicates,
    read_family,
    register_family_in,
)
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Problems, phone_key
from workflow.programme.staff import community_lookup, find_community
from workflow.runtime import Runtime
from workflow.text import looks_like_formula, name_key, search_key

FAMILY_COLUMNS = (
    "family_name",
    "community",
    "address",
    "phone",
    "referral_partner_type",
    "referral_partner_name",
    "state_benefit",
    "consent_purpose",
    "consent_date",
)
MEMBER_COLUMNS = ("role", "full_name", "date_of_birth", "disability", "health_notes")
COLUMNS = ("family_ref", *FAMILY_COLUMNS, *MEMBER_COLUMNS)
REQUIRED_COLUMNS = ("family_ref", "family_name", "community", "role", "full_name")
#: Where a problem found on a form field is shown in the sheet.
FORM_TO_COLUMN = {
    "consent.note": "consent_purpose",
    "consent.purposes": "consent_purpose",
    "consent.given_on": "consent_date",
}
#: How often a long import says how far it is.
PROGRESS_EVERY = 250
MEMBER_FIELD = re.compile(r"^members\[(\d+)\]\.(\w+)$")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.problem}"


@dataclass
class FamilyRows:
    ref: str
    rows: list[Row]
    problems: list[RowProblem] = field(default_factory=list)
    family: FamilyInput | None = None


@dataclass
class ImportReport:
    file: str
    rows: int
    families: int
    imported_case_ids: list[int]
    problems: list[RowProblem]
    skipped: list[str]
    refused: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "families": self.families,
            "imported": len(self.imported_case_ids),
            "case_ids": self.imported_case_ids,
            "skipped_families": self.skipped,
            "problems": [
                {"row": p.row, "column": p.column, "problem": p.problem} for p in self.problems
            ],
            "refused": self.refused,
        }

    def lines(self) -> list[str]:
        lines = [str(problem) for problem in self.problems]
        if self.refused:
            return lines
        summary = f"imported {len(self.imported_case_ids)} famil{_ies(self.imported_case_ids)}"
        if self.imported_case_ids:
            summary += f" (cases {', '.join(str(i) for i in self.imported_case_ids)})"
        if self.skipped:
            summary += f"; skipped {len(self.skipped)} with problems: {', '.join(self.skipped)}"
        return [*lines, summary]


def _ies(items: list[Any]) -> str:
    return "y" if len(items) == 1 else "ies"


def import_families(
    rt: Runtime,
    *,
    path: Path,
    actor: str,
    skip_invalid: bool = False,
    confirm_duplicates: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """``progress`` hears how far a long import is (every PROGRESS_EVERY families)."""
    settings = rt.settings
    sheet = read_sheet(
        path,
        Limits(
            max_bytes=settings.import_max_bytes,
            max_unpacked_bytes=settings.import_max_unpacked_bytes,
            max_rows=settings.import_max_rows,
        ),
    )
    say = progress or (lambda _line: None)
    header_problems = _check_header(sheet.columns)
    missing = [p.column for p in header_problems if p.problem.startswith("is missing")]
    if missing:
        raise ImportRefused(
            f"nothing imported: row 1 of {path.name} lacks the required column(s) "
            f"{', '.join(missing)} (the header needs {', '.join(REQUIRED_COLUMNS)})"
        )
    groups = _group(sheet.rows)
    today = local_day(rt.clock.now())
    with rt.unit_of_work() as uow:
        lookup = community_lookup(uow.session)
        for done, group in enumerate(groups, start=1):
            _validate(rt, group, today=today, lookup=lookup, confirm=confirm_duplicates, uow=uow)
            if done % PROGRESS_EVERY == 0:
                say(f"checked {done} of {len(groups)} families")
        _within_file_duplicates(groups)
        problems = header_problems + [p for g in groups for p in g.problems]
        problems.sort(key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else 0))
        valid = [g for g in groups if not g.problems and g.family is not None]
        report = ImportReport(
            file=path.name,
            rows=len(sheet.rows),
            families=len(groups),
            imported_case_ids=[],
            problems=problems,
            skipped=[g.ref for g in groups if g.problems],
            refused=bool(problems) and not skip_invalid,
        )
        if report.refused:
            raise ImportProblems(report)
        for done, group in enumerate(valid, start=1):
            if done % PROGRESS_EVERY == 0:
                say(f"registered {done} of {len(valid)} families")
            assert group.family is not None
            registered = register_family_in(
                rt,
                uow,
                RegisterFamily(
                    actor=actor, family=group.family, confirm_duplicate=confirm_duplicates
                ),
            )
            report.imported_case_ids.append(registered.case_id)
        if len(valid) >= PROGRESS_EVERY:
            say(f"saving {len(valid)} families in one transaction")
        uow.commit()
    return report


class ImportProblems(ImportRefused):
    """Some rows are invalid and nothing was imported; the report lists them."""

    def __init__(self, report: ImportReport) -> None:
        count = len(report.problems)
        valid = report.families - len(report.skipped)
        super().__init__(
            f"nothing imported from {report.file}: {count} problem{'s' if count != 1 else ''} "
            f"in {len(report.skipped)} of {report.families} families "
            f"(fix them, or use --skip-invalid to import the {valid} valid ones)"
        )
        self.report = report


def _check_header(columns: list[str]) -> list[RowProblem]:
    problems = [
        RowProblem(1, column, "is missing: this column is required")
        for column in REQUIRED_COLUMNS
        if column not in columns
    ]
    problems += [
        RowProblem(1, column or "(blank)", f"unknown column; known columns: {', '.join(COLUMNS)}")
        for column in columns
        if column not in COLUMNS
    ]
    return problems


def _group(rows: list[Row]) -> list[FamilyRows]:
    groups: dict[str, FamilyRows] = {}
    orphans: list[FamilyRows] = []
    for row in rows:
        ref = str(row.cells.get("family_ref") or "").strip()
        if not ref:
            orphan = FamilyRows(ref=f"(row {row.number})", rows=[row])
            orphan.problems.append(
                RowProblem(
                    row.number,
                    "family_ref",
                    "is required: the same value on every row of one family",
                )
            )
            orphans.append(orphan)
            continue
        groups.setdefault(ref, FamilyRows(ref=ref, rows=[])).rows.append(row)
    return [*groups.values(), *orphans]


def _family_value(group: FamilyRows, column: str) -> tuple[Any, int]:
    """The family's value of a column: given on one row, or the same on several."""
    found: tuple[Any, int] = (None, group.rows[0].number)
    for row in group.rows:
        value = row.cells.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if found[0] is None:
            found = (value, row.number)
        elif _same(found[0]) != _same(value):
            group.problems.append(
                RowProblem(
                    row.number,
                    column,
                    f"{str(value)!r} differs from row {found[1]} "
                    f"({str(found[0])!r}) of the same family",
                )
            )
    return found


def _same(value: Any) -> str:
    return search_key(str(value))


def _validate(
    rt: Runtime, group: FamilyRows, *, today: date, lookup: Any, confirm: bool, uow: Any
) -> None:
    if group.problems:  # no family_ref: nothing to group by
        return
    for row in group.rows:
        for column, value in row.cells.items():
            if not isinstance(value, str):
                continue
            if looks_like_formula(value):
                group.problems.append(
                    RowProblem(
                        row.number,
                        column,
                        f"starts with {value.lstrip(chr(39))[0]!r}, which a spreadsheet runs "
                        "as a formula: write the text without it",
                    )
                )
            elif "\x00" in value:
                group.problems.append(
                    RowProblem(row.number, column, "holds a NUL character (\\x00): remove it")
                )
    if group.problems:
        return
    where: dict[str, int] = {}
    form: dict[str, Any] = {}
    for column in FAMILY_COLUMNS:
        value, row_number = _family_value(group, column)
        where[column] = row_number
        form[column] = value
    consent = {"purpose": form.pop("consent_purpose"), "given_on": form.pop("consent_date")}
    if any(v is not None for v in consent.values()):
        form["consent"] = consent
    form["members"] = [
        {column: row.cells.get(column) for column in MEMBER_COLUMNS} for row in group.rows
    ]
    if form["community"] is not None and find_community(lookup, str(form["community"])) is None:
        group.problems.append(
            RowProblem(
                where["community"],
                "community",
                f"unknown community {str(form['community'])!r} (see `hogatar community list`)",
            )
        )
    try:
        family = read_family(form, reference(), today=today)
    except Problems as problems:
        for problem in problems.problems:
            group.problems.append(_locate(problem.field, problem.problem, group, where))
        return
    if group.problems:
        return
    group.family = family
    if not confirm:
        for match in find_duplicates(rt, uow.session, members=family.members, phone=family.phone):
            group.problems.append(
                RowProblem(
                    group.rows[0].number,
                    "full_name",
                    f"possible duplicate: {match.description} "
                    "(use --confirm-duplicates to import anyway)",
                )
            )


def _locate(form_field: str, problem: str, group: FamilyRows, where: dict[str, int]) -> RowProblem:
    member = MEMBER_FIELD.match(form_field)
    if member:
        row = group.rows[int(member.group(1)) - 1]
        return RowProblem(row.number, member.group(2), problem)
    column = FORM_TO_COLUMN.get(form_field, form_field)
    return RowProblem(where.get(column, group.rows[0].number), column, problem)


def _within_file_duplicates(groups: list[FamilyRows]) -> None:
    """The same child (name, birth date) or parent (name, phone) in two families of the file."""
    seen: dict[tuple[str, str, str], str] = {}
    for group in groups:
        if group.family is None or group.problems:
            continue
        family = group.family
        for member, row in zip(family.members, group.rows, strict=True):
            kind = reference().member_role_kind(member.role)
            if kind == "child" and member.date_of_birth:
                key = ("child", name_key(member.full_name), member.date_of_birth.isoformat())
            elif kind == "parent" and family.phone:
                key = ("parent", name_key(member.full_name), phone_key(family.phone) or "")
            else:
                continue
            if key in seen and seen[key] != group.ref:
                group.problems.append(
                    RowProblem(
                        row.number,
                        "full_name",
                        f"{member.full_name} is also in family {seen[key]} of this file",
                    )
                )
            seen.setdefault(key, group.ref)
