"""Procurement requests a page looks up: one by id, those awaiting approval, and the
queue's page of them as its filters ask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from web.shared.listing import ListQuery, Paged, page_of, read_list_query
from web.shared.lookups import case_of_row, communities, staff_options
from workflow.programme import procurement as programme_procurement
from workflow.programme.procurement import (
    ProcurementFilter,
    ProcurementRequestNotFound,
    ProcurementRequestRow,
    procurement_page,
)
from workflow.runtime import Runtime


def procurement_awaiting_approval(rt: Runtime) -> int:
    with rt.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(ProcurementRequestRow)
                .where(ProcurementRequestRow.status == "requested")
            )
            or 0
        )


def procurement_request(rt: Runtime, request_id: int) -> dict[str, Any]:
    case_id = case_of_row(
        rt,
        ProcurementRequestRow.case_id,
        ProcurementRequestRow.id,
        request_id,
        ProcurementRequestNotFound(request_id),
    )
    rows = programme_procurement.list_procurement(rt, case_id=case_id)
    return next(row for row in rows if row["id"] == request_id)


#: Where a request stands, in the order it moves.
STATUSES = ("requested", "approved", "ordered", "delivered", "cancelled")


def queue_options(rt: Runtime) -> dict[str, Any]:
    """What the queue's filters offer: statuses, suppliers and budget lines the requests
    have, communities and workers."""
    found = programme_procurement.procurement_choices(rt)
    with rt.session_factory() as session:
        return {
            "statuses": STATUSES,
            "suppliers": found["supplier"],
            "budget_lines": found["budget_line"],
            "workers": staff_options(session, "social_worker", "psychologist"),
            "communities": communities(session),
        }


def queue_query(
    rt: Runtime, params: Mapping[str, str], options: Mapping[str, Any], *, path: str, api: bool
) -> tuple[ListQuery, ProcurementFilter]:
    """The queue's (or the API's) filters as typed, and the requests they ask for."""
    query = read_list_query(
        params,
        path=path,
        choices={
            "status": options["statuses"],
            "supplier": options["suppliers"],
            "budget_line": options["budget_lines"],
            "community": [str(c.id) for c in options["communities"]],
            "worker": [str(s.id) for s in options["workers"]],
        },
        api=api,
    )
    chosen = query.chosen
    wanted = ProcurementFilter(
        status=chosen["status"],
        supplier=chosen["supplier"],
        budget_line=chosen["budget_line"],
        community_id=int(chosen["community"]) if chosen["community"] else None,
        worker_id=int(chosen["worker"]) if chosen["worker"] else None,
        requested_from=query.from_moment(),
        requested_until=query.until_moment(),
    )
    return query, wanted


def queue_page(rt: Runtime, query: ListQuery, wanted: ProcurementFilter) -> Paged:
    """The page asked for; a page past the end is refused beside the page field and
    the last page is shown."""
    return page_of(
        query, lambda limit, offset: procurement_page(rt, wanted, limit=limit, offset=offset)
    )
