"""The referrals room's part of "My work": referrals of the worker's cases still
awaiting the partner's answer, due by the day the partner was asked to answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from workflow.clock import local_day
from workflow.programme.families import FamilyRow
from workflow.programme.referrals.models import ReferralRow
from workflow.programme.shared.policies import policies
from workflow.programme.shared.work import Worker, WorkItem, owner_of
from workflow.runtime import Runtime

#: Sent, or acknowledged but neither accepted nor declined.
AWAITING_ANSWER = ("sent", "acknowledged")


def awaiting_answer(rt: Runtime, worker: Worker | None, today: date, until: date) -> list[WorkItem]:
    query = (
        select(ReferralRow, FamilyRow.social_worker_id, FamilyRow.psychologist_id)
        .join(FamilyRow, FamilyRow.case_id == ReferralRow.case_id)
        .where(ReferralRow.status.in_(AWAITING_ANSWER))
    )
    if worker is not None:
        query = query.where(
            or_(FamilyRow.social_worker_id == worker.id, FamilyRow.psychologist_id == worker.id)
        )
    within = policies().referral_acknowledge_within
    items = []
    with rt.session_factory() as session:
        for referral, social, psychologist in session.execute(query.order_by(ReferralRow.id)):
            sent = referral.sent_at or referral.created_at
            due = local_day(sent + within)
            if due > until and referral.status == "acknowledged":
                continue  # acknowledged in time: waits for its answer, nothing to chase yet
            items.append(
                WorkItem(
                    kind="referral_awaiting_answer",
                    due_on=due,
                    link=f"/referrals/{referral.id}",
                    owner_id=owner_of(worker, social, psychologist),
                    case_id=referral.case_id,
                    detail={"referral_id": referral.id, "referral_status": referral.status},
                )
            )
    return items
