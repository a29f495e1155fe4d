"""The visits room's part of "My work": next home visits, plan reviews and planned
services' deliveries falling due on the worker's cases (the family's social worker or
psychologist; a service's provider too). The plan room sits below the families, so the
plan's deliveries are offered here, where both are known."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from workflow.persistence.models import CaseRow
from workflow.programme.families import FamilyRow
from workflow.programme.plans import PlannedServiceRow
from workflow.programme.reminders import HOME_VISIT, PLAN_REVIEW
from workflow.programme.shared.cases import final_states
from workflow.programme.shared.work import Worker, WorkItem, owner_of
from workflow.programme.visits.config import review_rules
from workflow.programme.visits.models import HomeVisitRow, PlanGoalRow
from workflow.programme.visits.queries import next_review_on
from workflow.runtime import Runtime


def _cases(rt: Runtime, worker: Worker | None):  # type: ignore[no-untyped-def]
    query = (
        select(FamilyRow.case_id, FamilyRow.social_worker_id, FamilyRow.psychologist_id)
        .join(CaseRow, CaseRow.id == FamilyRow.case_id)
        .where(CaseRow.state.not_in(final_states(rt)))
    )
    if worker is not None:
        query = query.where(
            or_(FamilyRow.social_worker_id == worker.id, FamilyRow.psychologist_id == worker.id)
        )
    return query


def visits_due(rt: Runtime, worker: Worker | None, today: date, until: date) -> list[WorkItem]:
    """The next visit of each of the worker's open cases, when it is due by ``until``."""
    latest = (
        select(HomeVisitRow.case_id, func.max(HomeVisitRow.id).label("visit_id"))
        .group_by(HomeVisitRow.case_id)
        .subquery()
    )
    cases = _cases(rt, worker).subquery()
    query = (
        select(HomeVisitRow, cases.c.social_worker_id, cases.c.psychologist_id)
        .join(latest, latest.c.visit_id == HomeVisitRow.id)
        .join(cases, cases.c.case_id == HomeVisitRow.case_id)
        .where(HomeVisitRow.next_visit_due.is_not(None), HomeVisitRow.next_visit_due <= until)
    )
    with rt.session_factory() as session:
        return [
            WorkItem(
                kind="home_visit",
                due_on=visit.next_visit_due,
                link=f"/cases/{visit.case_id}/forms/visit",
                owner_id=owner_of(worker, social, psychologist),
                case_id=visit.case_id,
                detail={"visit_id": visit.id},
                key=(HOME_VISIT, visit.case_id),
            )
            for visit, social, psychologist in session.execute(query)
            if visit.next_visit_due is not None
        ]


def reviews_due(rt: Runtime, worker: Worker | None, today: date, until: date) -> list[WorkItem]:
    """Plan reviews of the worker's open cases due by ``until``, or soon enough that
    their reminder has fallen due."""
    horizon = max(until, today + review_rules().remind_before)
    with_goals = select(PlanGoalRow.case_id).distinct()
    query = _cases(rt, worker).where(FamilyRow.case_id.in_(with_goals))
    items = []
    with rt.session_factory() as session:
        for case_id, social, psychologist in session.execute(query).all():
            due = next_review_on(session, case_id)
            if due is None or due > horizon:
                continue
            items.append(
                WorkItem(
                    kind="plan_review",
                    due_on=due,
                    link=f"/cases/{case_id}/forms/review",
                    owner_id=owner_of(worker, social, psychologist),
                    case_id=case_id,
                    key=(PLAN_REVIEW, case_id),
                )
            )
    return items


def deliveries_due(rt: Runtime, worker: Worker | None, today: date, until: date) -> list[WorkItem]:
    """Planned services of open cases whose delivery is due by ``until`` (overdue ones
    too): the family's worker's, or the service provider's."""
    cases = _cases(rt, None).subquery()
    query = (
        select(PlannedServiceRow, cases.c.social_worker_id, cases.c.psychologist_id)
        .join(cases, cases.c.case_id == PlannedServiceRow.case_id)
        .where(
            PlannedServiceRow.status.in_(("planned", "in_progress")),
            PlannedServiceRow.target_date.is_not(None),
            PlannedServiceRow.target_date <= until,
        )
        .order_by(PlannedServiceRow.target_date, PlannedServiceRow.id)
    )
    if worker is not None:
        query = query.where(
            or_(
                cases.c.social_worker_id == worker.id,
                cases.c.psychologist_id == worker.id,
                PlannedServiceRow.provider_staff_id == worker.id,
            )
        )
    with rt.session_factory() as session:
        return [
            WorkItem(
                kind="delivery_due",
                due_on=row.target_date,
                link=f"/services/{row.id}/forms/delivery",
                owner_id=worker.id if worker else (social or row.provider_staff_id or psychologist),
                case_id=row.case_id,
                detail={"service": row.service, "planned_service_id": row.id},
            )
            for row, social, psychologist in session.execute(query)
            if row.target_date is not None
        ]
