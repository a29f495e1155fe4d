"""The caseload's filtered list as a spreadsheet: ``/cases.csv`` and ``/cases.xlsx`` take
the caseload's own filters and write every case they find (all pages, in the list's
order).

As the CLI's case export and the report CSVs: a cell that a spreadsheet would run as a
formula is written as text (``workflow.text.spreadsheet_cell``), the CSV has a BOM so
Excel reads the Armenian as UTF-8, and each download is recorded in the access log (who,
from where, which filters, how many cases) before it is sent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.cases.caseload import CaseloadFilter, CaseloadRow, caseload_rows
from web.cases.pages import caseload_filter
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.i18n import label
from web.shared.labels import state_in
from web.shared.permissions import Permission
from workflow.clock import as_utc
from workflow.programme.privacy import EXPORT_CASES, record_access
from workflow.text import spreadsheet_cell

router = APIRouter(include_in_schema=False)
#: Stable English column names, for spreadsheets and scripts (as the report CSVs).
COLUMNS = (
    "case_id",
    "workflow",
    "family_name",
    "community",
    "state",
    "state_name",
    "social_worker",
    "psychologist",
    "updated_at",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/cases.csv")
def caseload_csv(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    rows = _exported(request, staff, "cases.csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="hogatar-cases.csv"'},
    )


@router.get("/cases.xlsx")
def caseload_xlsx(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_CASES)),  # noqa: B008
) -> Response:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    rows = _exported(request, staff, "cases.xlsx")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("cases")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="hogatar-cases.xlsx"'},
    )


def _exported(request: Request, staff: Staff, name: str) -> list[list[Any]]:
    """The header and the rows, neutralised; the export is in the access log first (a
    download nobody can see there is not sent)."""
    rt = runtime(request)
    wanted = caseload_filter(request, staff)
    cases = caseload_rows(rt, wanted)
    record_access(
        rt,
        actor=staff.username,
        kind=EXPORT_CASES,
        source=request.client.host if request.client else "unknown",
        detail=f"{name}: {len(cases)} case(s); {_described(wanted)}",
    )
    return [list(COLUMNS), *(_cells(row) for row in cases)]


def _cells(row: CaseloadRow) -> list[Any]:
    values: Iterable[Any] = (
        row.id,
        row.workflow,
        row.family_name,
        label(row.community),
        row.state,
        state_in(row.state, row.definition),
        row.social_worker or "",
        row.psychologist or "",
        as_utc(row.updated_at).isoformat(),
    )
    return [spreadsheet_cell(value) for value in values]


def _described(wanted: CaseloadFilter) -> str:
    """The filters as the access log keeps them (codes and ids, not names)."""
    parts = [f"state {wanted.state}"]
    for name in ("workflow", "community", "worker", "criterion"):
        value = getattr(wanted, name)
        if value is not None:
            parts.append(f"{name} {value}")
    if wanted.q:
        # What was searched can be a person's name: the log says only that there was one.
        parts.append("a search")
    return ", ".join(parts)
