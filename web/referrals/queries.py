"""Referrals a page looks up: one by id (checked to be the staff's to see), those
awaiting the partner's answer, and the board's page of them as its filters ask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from web.shared.listing import ListQuery, Paged, page_of, read_list_query
from web.shared.lookups import case_of_row, communities, staff_options
from workflow.programme import referrals as programme_referrals
from workflow.programme.referrals import (
    ReferralFilter,
    ReferralNotFound,
    ReferralRow,
    referral_page,
)
from workflow.runtime import Runtime

#: Referrals the partner has not answered yet (acknowledging receipt is no answer).
AWAITING_ANSWER = ("sent", "acknowledged")


def referrals_awaiting_answer(rt: Runtime) -> int:
    with rt.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(ReferralRow)
                .where(ReferralRow.status.in_(AWAITING_ANSWER))
            )
            or 0
        )


def referral(rt: Runtime, referral_id: int) -> dict[str, Any]:
    """One referral as ``list_referrals`` shows it (its case's list is short)."""
    case_id = case_of_row(
        rt, ReferralRow.case_id, ReferralRow.id, referral_id, ReferralNotFound(referral_id)
    )
    rows = programme_referrals.list_referrals(rt, case_id=case_id)
    return next(row for row in rows if row["id"] == referral_id)


#: Where a referral stands, in the order it moves; "withheld": never mailed, the
#: family's consent had lapsed.
REFERRAL_STATUSES = (
    "queued",
    "sent",
    "acknowledged",
    "accepted",
    "declined",
    "completed",
    "withheld",
)


def board_options(rt: Runtime) -> dict[str, Any]:
    """What the board's filters offer: statuses, workers, communities, partners."""
    partners = programme_referrals.list_partners(rt)
    with rt.session_factory() as session:
        return {
            "statuses": REFERRAL_STATUSES,
            "workers": staff_options(session, "social_worker", "psychologist"),
            "communities": communities(session),
            "partners": partners,
        }


def board_query(
    rt: Runtime, params: Mapping[str, str], options: Mapping[str, Any], *, path: str, api: bool
) -> tuple[ListQuery, ReferralFilter]:
    """The board's (or the API's) filters as typed, and the referrals they ask for."""
    query = read_list_query(
        params,
        path=path,
        choices={
            "status": options["statuses"],
            "worker": [str(s.id) for s in options["workers"]],
            "community": [str(c.id) for c in options["communities"]],
            "partner": [p["code"] for p in options["partners"]],
        },
        api=api,
    )
    chosen = query.chosen
    wanted = ReferralFilter(
        status=chosen["status"],
        partner=chosen["partner"],
        community_id=int(chosen["community"]) if chosen["community"] else None,
        worker_id=int(chosen["worker"]) if chosen["worker"] else None,
        created_from=query.from_moment(),
        created_until=query.until_moment(),
    )
    return query, wanted


def board_page(rt: Runtime, query: ListQuery, wanted: ReferralFilter) -> Paged:
    """The page asked for; a page past the end is refused beside the page field and
    the last page is shown."""
    return page_of(
        query, lambda limit, offset: referral_page(rt, wanted, limit=limit, offset=offset)
    )
