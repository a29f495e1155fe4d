"""One case as the case page and the API show it: family, household, consent,
assessments, service plan, counselling, income, timeline with each effect's delivery,
and the transitions from the current state with what each still needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.clock import as_utc
from workflow.errors import CaseNotFound
from workflow.guards import GuardContext
from workflow.persistence.models import CaseEventRow, CaseRow, OutboxRow
from workflow.programme.models import (
    AssessmentRow,
    CommunityRow,
    ConsentRow,
    CounsellingParticipantRow,
    CounsellingSessionRow,
    DeliveryRow,
    FamilyRow,
    IncomeSourceRow,
    MemberRow,
    PlannedServiceRow,
    StaffRow,
)
from workflow.runtime import Runtime
from workflow.services import snapshot_of

FAMILY_WORKFLOW = "family_case"
#: Guards met by what the transition's own form asks for (a closure reason, a reason):
#: the case page offers the form instead of listing them as unmet.
INPUT_GUARDS = frozenset({"closure_reason_given", "reason_given"})


@dataclass(frozen=True)
class Requirement:
    guard: str
    message: str


@dataclass(frozen=True)
class TransitionOption:
    trigger: str
    dest: str
    unmet: tuple[Requirement, ...]
    needs_reason: bool

    @property
    def allowed(self) -> bool:
        return not self.unmet


def transition_options(rt: Runtime, session: Session, case: CaseRow) -> list[TransitionOption]:
    """Every transition from the case's state, each guard evaluated on its own so the page
    can say (in the reader's language) which requirement is still open."""
    definition = rt.machine(case.workflow).definition
    snapshot = snapshot_of(case)
    facts = rt.facts_loader(case.workflow)(session, snapshot)
    options = []
    for trigger in definition.allowed_triggers(case.state):
        transition = definition.transition(trigger, case.state)
        assert transition is not None  # listed as allowed from this state just above
        context = GuardContext(case=snapshot, trigger=trigger, reason=None, data={}, facts=facts)
        unmet = tuple(
            Requirement(guard, message)
            for guard in transition.guards
            if guard not in INPUT_GUARDS
            for message in rt.guards.unmet([guard], context)
        )
        options.append(
            TransitionOption(
                trigger=trigger,
                dest=transition.dest,
                unmet=unmet,
                needs_reason=any(guard in INPUT_GUARDS for guard in transition.guards),
            )
        )
    return options


def _staff_names(session: Session, ids: set[int]) -> dict[int, StaffRow]:
    ids.discard(0)
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(select(StaffRow).where(StaffRow.id.in_(ids)))}


def _timeline(session: Session, case_id: int) -> tuple[list[dict[str, Any]], list[Any]]:
    """The events, newest first, each with its effects; and the effects of no event."""
    effects: dict[int, list[dict[str, Any]]] = {}
    for row in session.scalars(
        select(OutboxRow).where(OutboxRow.case_id == case_id).order_by(OutboxRow.id)
    ):
        # Effects queued by other effects (a reminder's escalation) belong to no event.
        effects.setdefault(row.event_id or 0, []).append(
            {
                "id": row.id,
                "name": row.effect,
                "queue": row.queue,
                "status": row.status,
                "attempts": row.attempts,
                "task_id": row.task_id or f"outbox-{row.id}",
                "last_error": row.last_error,
            }
        )
    events = session.scalars(
        select(CaseEventRow)
        .where(CaseEventRow.case_id == case_id)
        .order_by(CaseEventRow.version.desc())
    )
    timeline = [
        {
            "version": event.version,
            "trigger": event.trigger,
            "from": event.from_state,
            "to": event.to_state,
            "actor": event.actor,
            "at": as_utc(event.at),
            "reason": event.reason,
            "data": event.data,
            "effects": effects.get(event.id, []),
        }
        for event in events
    ]
    return timeline, effects.get(0, [])


def case_file(rt: Runtime, case_id: int) -> dict[str, Any]:
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None or case.workflow != FAMILY_WORKFLOW:
            raise CaseNotFound(case_id)
        family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
        community = session.get(CommunityRow, family.community_id) if family else None
        members = (
            list(
                session.scalars(
                    select(MemberRow).where(MemberRow.family_id == family.id).order_by(MemberRow.id)
                )
            )
            if family
            else []
        )
        assessments = list(
            session.scalars(
                select(AssessmentRow)
                .where(AssessmentRow.case_id == case_id)
                .order_by(AssessmentRow.assessed_on.desc(), AssessmentRow.id.desc())
            )
        )
        plan = list(
            session.scalars(
                select(PlannedServiceRow)
                .where(PlannedServiceRow.case_id == case_id)
                .order_by(PlannedServiceRow.id)
            )
        )
        deliveries: dict[int, list[DeliveryRow]] = {}
        if plan:
            for delivery in session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.planned_service_id.in_([p.id for p in plan]))
                .order_by(DeliveryRow.delivered_on, DeliveryRow.id)
            ):
                deliveries.setdefault(delivery.planned_service_id, []).append(delivery)
        counselling = list(
            session.scalars(
                select(CounsellingSessionRow)
                .join(
                    CounsellingParticipantRow,
                    CounsellingParticipantRow.session_id == CounsellingSessionRow.id,
                )
                .where(CounsellingParticipantRow.case_id == case_id)
                .order_by(CounsellingSessionRow.held_on.desc(), CounsellingSessionRow.id.desc())
            )
        )
        consents = list(
            session.scalars(
                select(ConsentRow).where(ConsentRow.case_id == case_id).order_by(ConsentRow.id)
            )
        )
        incomes = list(
            session.scalars(
                select(IncomeSourceRow)
                .where(IncomeSourceRow.case_id == case_id)
                .order_by(IncomeSourceRow.id)
            )
        )
        staff = _staff_names(
            session,
            {
                family.social_worker_id or 0 if family else 0,
                family.psychologist_id or 0 if family else 0,
                *(a.assessor_id for a in assessments),
                *(p.provider_staff_id or 0 for p in plan),
                *(c.psychologist_id for c in counselling),
            },
        )
        options = transition_options(rt, session, case)
        timeline, follow_on = _timeline(session, case_id)
        definition = rt.machine(case.workflow).definition
        return {
            "case": {
                "id": case.id,
                "state": case.state,
                "version": case.version,
                "final": definition.state(case.state).final,
                "opened_at": as_utc(case.opened_at),
                "updated_at": as_utc(case.updated_at),
                "family_name": family.family_name if family else case.family_name,
            },
            "family": family,
            "community": community,
            "members": members,
            "consents": consents,
            "active_consent": any(c.withdrawn_on is None for c in consents),
            "assessments": assessments,
            "plan": plan,
            "deliveries": deliveries,
            "counselling": counselling,
            "incomes": incomes,
            "staff": staff,
            "transitions": options,
            "timeline": timeline,
            "follow_on": follow_on,
        }
