"""A case's home visits, plan goals and reviews as the pages, the API and the CLI show
them, and when its next visit and review are due. ORM selects, so scoped sessions keep
them to the reader's cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.clock import as_utc, local_day
from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseRow
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.staff import StaffRow
from workflow.programme.visits.config import review_rules
from workflow.programme.visits.models import HomeVisitRow, PlanGoalRow, PlanReviewRow
from workflow.runtime import Runtime


def _names(session: Session, ids: set[int]) -> dict[int, StaffRow]:
    if not ids:
        return {}
    return {s.id: s for s in session.scalars(select(StaffRow).where(StaffRow.id.in_(ids)))}


def _members(session: Session, case_id: int) -> dict[int, str]:
    return dict(
        session.execute(
            select(MemberRow.id, MemberRow.full_name)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(FamilyRow.case_id == case_id)
        ).all()
    )


def _person(staff: dict[int, StaffRow], staff_id: int) -> dict[str, Any]:
    row = staff.get(staff_id)
    return {
        "id": staff_id,
        "username": row.username if row else None,
        "full_name": row.full_name if row else None,
    }


def first_goal_day(session: Session, case_id: int) -> date | None:
    first = session.scalar(
        select(func.min(PlanGoalRow.created_at)).where(PlanGoalRow.case_id == case_id)
    )
    return local_day(as_utc(first)) if first is not None else None


def next_review_on(session: Session, case_id: int) -> date | None:
    """The last review's next date, else the configured months after the first goal."""
    last = session.scalar(
        select(PlanReviewRow.next_review_on)
        .where(PlanReviewRow.case_id == case_id)
        .order_by(PlanReviewRow.reviewed_on.desc(), PlanReviewRow.id.desc())
        .limit(1)
    )
    if last is not None:
        return last
    first = first_goal_day(session, case_id)
    return review_rules().next_after(first) if first is not None else None


def visits_and_plan(rt: Runtime, *, case_id: int) -> dict[str, Any]:
    """The case's visits (newest first), goals (in the order set), reviews (newest
    first), and when the next visit and review are due; an unknown case is not found."""
    with rt.session_factory() as session:
        if session.scalar(select(CaseRow.id).where(CaseRow.id == case_id)) is None:
            raise CaseNotFound(case_id)
        visits = list(
            session.scalars(
                select(HomeVisitRow)
                .where(HomeVisitRow.case_id == case_id)
                .order_by(HomeVisitRow.visited_on.desc(), HomeVisitRow.id.desc())
            )
        )
        goals = list(
            session.scalars(
                select(PlanGoalRow).where(PlanGoalRow.case_id == case_id).order_by(PlanGoalRow.id)
            )
        )
        reviews = list(
            session.scalars(
                select(PlanReviewRow)
                .where(PlanReviewRow.case_id == case_id)
                .order_by(PlanReviewRow.reviewed_on.desc(), PlanReviewRow.id.desc())
            )
        )
        staff = _names(
            session,
            {i for v in visits for i in v.visitor_ids}
            | {i for r in reviews for i in r.reviewer_ids},
        )
        members = _members(session, case_id)
        goal_text = {g.id: g.what for g in goals}
        return {
            "visits": [
                {
                    "id": v.id,
                    "case_id": v.case_id,
                    "visited_on": v.visited_on,
                    "visitors": [_person(staff, i) for i in v.visitor_ids],
                    "met_members": [
                        {"id": i, "full_name": members.get(i)} for i in v.met_member_ids
                    ],
                    "met_others": v.met_others,
                    "observations": v.observations,
                    "next_visit_due": v.next_visit_due,
                    "recorded_by": v.recorded_by,
                    "recorded_at": as_utc(v.recorded_at),
                }
                for v in visits
            ],
            "goals": [
                {
                    "id": g.id,
                    "case_id": g.case_id,
                    "what": g.what,
                    "by_when": g.by_when,
                    "status": g.status,
                    "drop_reason": g.drop_reason,
                    "created_by": g.created_by,
                }
                for g in goals
            ],
            "reviews": [
                {
                    "id": r.id,
                    "case_id": r.case_id,
                    "reviewed_on": r.reviewed_on,
                    "reviewers": [_person(staff, i) for i in r.reviewer_ids],
                    "decisions": [
                        {**d, "what": goal_text.get(int(d["goal_id"]))} for d in r.decisions
                    ],
                    "next_review_on": r.next_review_on,
                    "recorded_by": r.recorded_by,
                }
                for r in reviews
            ],
            "next_visit_due": visits[0].next_visit_due if visits else None,
            "next_review_on": next_review_on(session, case_id),
        }
