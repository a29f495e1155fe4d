"""Figures for the dashboard and the reports: cases per state and community, criteria
of the latest assessments, services delivered by category. Read-only.

They are the family strengthening programme's: cases of the family workflow
(``REPORTED_WORKFLOW``); only the cases per state can be asked of another workflow.

A ``Period`` narrows them: the case figures count the cases opened in it, the services
those delivered in it; without one (``ALL_TIME``) everything so far is counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from web.shared.lookups import final_states
from workflow.clock import ARMENIA_TIME
from workflow.persistence.models import CaseRow, IncidentRow
from workflow.programme.assessment import AssessmentRow
from workflow.programme.families import FamilyRow
from workflow.programme.plans import DeliveryRow, PlannedServiceRow
from workflow.programme.shared.cases import FAMILY_WORKFLOW
from workflow.programme.shared.reference import reference
from workflow.programme.staff import CommunityRow
from workflow.runtime import Runtime


@dataclass(frozen=True)
class Bar:
    code: str
    labels: dict[str, str]
    value: int
    extra: int = 0


REPORTED_WORKFLOW = FAMILY_WORKFLOW


@dataclass(frozen=True)
class Period:
    """From the first day to the last, both included (Yerevan's days); None: open."""

    first: date | None = None
    last: date | None = None

    def opened(self) -> list[Any]:
        """Conditions on a case: opened in the period."""
        conditions = []
        if self.first is not None:
            conditions.append(
                CaseRow.opened_at >= datetime.combine(self.first, time(), ARMENIA_TIME)
            )
        if self.last is not None:
            after = datetime.combine(self.last + timedelta(days=1), time(), ARMENIA_TIME)
            conditions.append(CaseRow.opened_at < after)
        return conditions

    def delivered(self) -> list[Any]:
        """Conditions on a delivery: delivered in the period."""
        conditions = []
        if self.first is not None:
            conditions.append(DeliveryRow.delivered_on >= self.first)
        if self.last is not None:
            conditions.append(DeliveryRow.delivered_on <= self.last)
        return conditions


ALL_TIME = Period()


def states(rt: Runtime, workflow: str = REPORTED_WORKFLOW, period: Period = ALL_TIME) -> list[Bar]:
    """Cases of ``workflow`` (opened in the period) per state of its newest version."""
    definition = rt.machine(workflow).definition
    with rt.session_factory() as session:
        counts = dict(
            session.execute(
                select(CaseRow.state, func.count())
                .where(CaseRow.workflow == workflow, *period.opened())
                .group_by(CaseRow.state)
            ).all()
        )
    return [
        Bar(state.name, dict(state.labels), int(counts.get(state.name, 0)))
        for state in definition.states
    ]


def communities(rt: Runtime, period: Period = ALL_TIME) -> list[Bar]:
    """Open cases (opened in the period) per community."""
    with rt.session_factory() as session:
        rows = session.execute(
            select(CommunityRow.code, CommunityRow.name_hy, CommunityRow.name_en, func.count())
            .join(FamilyRow, FamilyRow.community_id == CommunityRow.id)
            .join(CaseRow, CaseRow.id == FamilyRow.case_id)
            .where(CaseRow.state.not_in(final_states(rt, REPORTED_WORKFLOW)), *period.opened())
            .group_by(CommunityRow.code, CommunityRow.name_hy, CommunityRow.name_en)
            .order_by(func.count().desc(), CommunityRow.code)
        ).all()
    return [Bar(code, {"hy": hy, "en": en}, int(n)) for code, hy, en, n in rows]


def state_by_community(rt: Runtime, period: Period = ALL_TIME) -> list[dict[str, Any]]:
    """Rows of the CSV export: every community and state with its number of families
    (of the cases opened in the period)."""
    with rt.session_factory() as session:
        rows = session.execute(
            select(CommunityRow.code, CommunityRow.name_en, CaseRow.state, func.count())
            .join(FamilyRow, FamilyRow.community_id == CommunityRow.id)
            .join(CaseRow, CaseRow.id == FamilyRow.case_id)
            .where(*period.opened())
            .group_by(CommunityRow.code, CommunityRow.name_en, CaseRow.state)
            .order_by(CommunityRow.code, CaseRow.state)
        ).all()
    return [
        {"community": code, "community_name": name, "state": state, "families": int(n)}
        for code, name, state, n in rows
    ]


def criteria(rt: Runtime, period: Period = ALL_TIME) -> list[Bar]:
    """Criteria recorded by the latest assessment of every open case (opened in the
    period)."""
    latest = (
        select(AssessmentRow.case_id, func.max(AssessmentRow.id).label("id"))
        .group_by(AssessmentRow.case_id)
        .subquery()
    )
    with rt.session_factory() as session:
        rows = session.execute(
            select(AssessmentRow.risk_of_abandonment, AssessmentRow.criteria)
            .join(latest, latest.c.id == AssessmentRow.id)
            .join(CaseRow, CaseRow.id == AssessmentRow.case_id)
            .where(CaseRow.state.not_in(final_states(rt, REPORTED_WORKFLOW)), *period.opened())
        ).all()
    counts: Counter[str] = Counter()
    ref = reference()
    for risk, codes in rows:
        if risk:
            counts[ref.primary_criterion.code] += 1
        counts.update(codes or [])
    items = [ref.primary_criterion, *ref.additional_criteria]
    return [Bar(item.code, dict(item.labels), counts[item.code]) for item in items]


def services_delivered(rt: Runtime, period: Period = ALL_TIME) -> list[Bar]:
    """Deliveries (made in the period) by service category: how many, and what they cost
    (``extra``, AMD)."""
    with rt.session_factory() as session:
        rows = session.execute(
            select(
                PlannedServiceRow.service,
                func.count(),
                func.coalesce(func.sum(DeliveryRow.cost_amd), 0),
            )
            .join(DeliveryRow, DeliveryRow.planned_service_id == PlannedServiceRow.id)
            .where(*period.delivered())
            .group_by(PlannedServiceRow.service)
        ).all()
    ref = reference()
    count: Counter[str] = Counter()
    cost: Counter[str] = Counter()
    for service, n, amount in rows:
        found = ref.services.get(service)
        category = found.category if found else "other"
        count[category] += int(n)
        cost[category] += int(amount)
    return [
        Bar(code, dict(labels), count[code], cost[code]) for code, labels in ref.categories.items()
    ]


def open_incidents(rt: Runtime) -> int:
    with rt.session_factory() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(IncidentRow).where(IncidentRow.status == "open")
            )
            or 0
        )


def my_open_cases(rt: Runtime, staff_id: int) -> int:
    with rt.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(FamilyRow)
                .join(CaseRow, CaseRow.id == FamilyRow.case_id)
                .where(
                    or_(
                        FamilyRow.social_worker_id == staff_id,
                        FamilyRow.psychologist_id == staff_id,
                    ),
                    CaseRow.state.not_in(final_states(rt, REPORTED_WORKFLOW)),
                )
            )
            or 0
        )
