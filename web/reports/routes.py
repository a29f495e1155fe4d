"""Reports with charts, and their figures as CSV: cases, criteria, services, and the
procurement committed against its budget lines.

A period (``from``, ``to``, day first; ``to`` is today unless given) narrows the figures of
cases (those opened in it) and of services (those delivered in it), on the page and in
the CSVs alike; the budget lines are always as they stand today."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.reports import reporting
from web.reports.charts import bar_chart, budget_chart
from web.reports.reporting import ALL_TIME, Bar, Period
from web.shared.accounts import Staff
from web.shared.auth import programme_wide_runtime, require, runtime
from web.shared.i18n import format_money, gettext
from web.shared.listing import ListQuery, read_list_query
from web.shared.lookups import final_states, today
from web.shared.permissions import Permission
from web.shared.plugins import plugins, workflow_labels
from web.shared.templating import render
from workflow.errors import NotFound
from workflow.programme import procurement as programme_procurement
from workflow.programme.privacy import EXPORT_REPORT, record_access
from workflow.runtime import Runtime
from workflow.text import spreadsheet_cell

router = APIRouter(include_in_schema=False)


def _bars(bars: list[Bar], value_name: str, extra_name: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for bar in bars:
        row: dict[str, Any] = {
            "code": bar.code,
            "name_en": bar.labels.get("en", bar.code),
            "name_hy": bar.labels.get("hy", bar.code),
            value_name: bar.value,
        }
        if extra_name:
            row[extra_name] = bar.extra
        rows.append(row)
    return rows


def _budget(rt: Runtime, period: Period = ALL_TIME) -> list[dict[str, Any]]:
    return [
        {
            "budget_line": line["budget_line"],
            "name_en": line["label"].get("en", line["budget_line"]),
            "name_hy": line["label"].get("hy", line["budget_line"]),
            "budget_amd": line["budget_amd"],
            "committed_amd": line["committed_amd"],
            "remaining_amd": line["remaining_amd"],
        }
        for line in programme_procurement.budget(rt)
    ]


#: name -> rows of the CSV (stable English column names: for spreadsheets and scripts).
EXPORTS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "states": lambda rt, period=ALL_TIME: _bars(reporting.states(rt, period=period), "families"),
    "communities": lambda rt, period=ALL_TIME: _bars(
        reporting.communities(rt, period), "open_families"
    ),
    "state-by-community": reporting.state_by_community,
    "criteria": lambda rt, period=ALL_TIME: _bars(reporting.criteria(rt, period), "open_families"),
    "services": lambda rt, period=ALL_TIME: _bars(
        reporting.services_delivered(rt, period), "deliveries", "cost_amd"
    ),
    "procurement-budget": _budget,
}


def report_period(request: Request) -> tuple[ListQuery, Period]:
    """The period asked for; ``to`` is today when the address has none (an empty field
    means no end). A wrong date is said beside its field and leaves that end open."""
    params = dict(request.query_params)
    if "to" not in params:
        params["to"] = today(runtime(request)).strftime("%d.%m.%Y")
    query = read_list_query(params, path="/reports", choices={})
    return query, Period(first=query.date_from, last=query.date_to)


@router.get("/reports")
def reports(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_REPORTS)),  # noqa: B008
) -> Response:
    rt = programme_wide_runtime(request)  # counts of the whole programme
    # The programme's figures are the family cases'; cases per state may be asked of
    # another workflow (the page says which figures follow the choice).
    workflow = request.query_params.get("workflow") or reporting.REPORTED_WORKFLOW
    if workflow not in rt.definitions:
        workflow = reporting.REPORTED_WORKFLOW
    period_query, period = report_period(request)
    states = reporting.states(rt, workflow, period)
    communities = reporting.communities(rt, period)
    criteria = reporting.criteria(rt, period)
    delivered = reporting.services_delivered(rt, period)
    budget = programme_procurement.budget(rt)
    states_title = (
        gettext("Families by state")
        if workflow == reporting.REPORTED_WORKFLOW
        else gettext("Cases by state")
    )
    charts = [
        ("states", states_title, bar_chart(states, states_title)),
        (
            "communities",
            gettext("Open cases by community"),
            bar_chart(communities, gettext("Open cases by community")),
        ),
        (
            "criteria",
            gettext("Criteria in the latest assessments of open cases"),
            bar_chart(criteria, gettext("Criteria in the latest assessments of open cases")),
        ),
        (
            "services",
            gettext("Services delivered by category"),
            bar_chart(delivered, gettext("Services delivered by category")),
        ),
        (
            "services",
            gettext("Cost of services delivered by category"),
            bar_chart(
                delivered,
                gettext("Cost of services delivered by category"),
                value=lambda bar: bar.extra,
                show=format_money,
            ),
        ),
        (
            "procurement-budget",
            gettext("Procurement committed against budget"),
            budget_chart(budget, gettext("Procurement committed against budget")),
        ),
    ]
    context = {
        "charts": charts,
        "tables": {
            "states": states,
            "communities": communities,
            "criteria": criteria,
            "services": delivered,
            "budget": budget,
        },
        "closed_states": final_states(rt, workflow),
        "period": period_query,
        # The CSVs follow the period shown (and the workflow does not concern them).
        "csv_query": period_query.link(page=None).removeprefix("/reports"),
        "workflow": workflow,
        "reported_workflow": reporting.REPORTED_WORKFLOW,
        "workflows": [
            (name, workflow_labels(plugins(request).of(name), rt.machine(name).definition))
            for name in sorted(rt.definitions)
        ],
    }
    status = 422 if period_query.errors else 200
    return render(request, "reports/reports.html", context, status_code=status)


@router.get("/reports/{name}.csv")
def export(
    request: Request,
    name: str,
    staff: Staff = Depends(require(Permission.VIEW_REPORTS)),  # noqa: B008
) -> Response:
    producer = EXPORTS.get(name)
    if producer is None:
        raise NotFound(f"there is no report {name!r}")
    rt = programme_wide_runtime(request)  # counts of the whole programme
    query, period = report_period(request)
    query.check()  # a CSV link with a wrong date: refused (422), nothing is counted
    rows = producer(rt, period)
    record_access(
        rt,
        actor=staff.username,
        kind=EXPORT_REPORT,
        source=request.client.host if request.client else "unknown",
        detail=f"{name}.csv" + _period_detail(period, today(rt)),
    )
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        # A cell that starts like a formula is written as text (a family or supplier
        # name "=HYPERLINK(...)" would run in the office's spreadsheet).
        writer.writerows({k: spreadsheet_cell(v) for k, v in row.items()} for row in rows)
    # A BOM so that spreadsheet programs read the Armenian names as UTF-8.
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="hogatar-{name}.csv"'},
    )


def _period_detail(period: Period, today: date) -> str:
    """The period as the access log keeps it; nothing when nothing was left out."""
    if period.first is None and (period.last is None or period.last >= today):
        return ""
    first = period.first.isoformat() if period.first else "the start"
    last = period.last.isoformat() if period.last else "now"
    return f", {first} to {last}"
