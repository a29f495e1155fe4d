"""One case as the case page and the API show it: family, household, consent,
assessments, service plan, counselling, income, the timeline (events and the work done
around the case, with each effect's delivery), and the transitions from the current
state with what each still needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from web.shared.lookups import FAMILY_WORKFLOW
from web.shared.permissions import Permission, trigger_permission
from workflow import queries
from workflow.clock import as_utc
from workflow.errors import CaseNotFound
from workflow.guards import GuardContext
from workflow.persistence.models import CaseRow
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals as programme_referrals
from workflow.programme import reminders as programme_reminders
from workflow.programme.assessment import AssessmentRow
from workflow.programme.counselling import CounsellingParticipantRow, CounsellingSessionRow
from workflow.programme.families import ConsentRow, FamilyRow, MemberRow
from workflow.programme.plans import DeliveryRow, IncomeSourceRow, PlannedServiceRow
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime
from workflow.services import snapshot_of

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
    #: What the reader's role must allow to take the step; the page names the roles that can.
    permission: Permission

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
                permission=trigger_permission(trigger),
            )
        )
    return options


def unmet_requirements(rt: Runtime, case_id: int, trigger: str) -> tuple[Requirement, ...]:
    """What a refused step still needs, read again for the page that says so (the engine's
    refusal carries its English sentences only)."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        options = transition_options(rt, session, case) if case is not None else []
    return next((option.unmet for option in options if option.trigger == trigger), ())


def _staff_names(session: Session, ids: set[int]) -> dict[int, StaffRow]:
    ids.discard(0)
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(select(StaffRow).where(StaffRow.id.in_(ids)))}


def _effect(view: dict[str, Any]) -> dict[str, Any]:
    # An effect not yet published has no task id; its task will be outbox-<id>.
    return {**view, "task_id": view["task_id"] or f"outbox-{view['id']}"}


def _timeline(rt: Runtime, case_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Events (transitions and case-file changes, with their effects) and activities (work
    done around the case: a referral mailed, goods ordered), merged newest first; each
    activity a worker did carries the effect that did it. Also the background effects no
    activity accounts for (still queued, failed, or with nothing to show)."""
    view = queries.case_view(rt, case_id=case_id)
    background = {
        fx["task_id"] or f"outbox-{fx['id']}": _effect(fx) for fx in view["background_effects"]
    }
    entries = [
        {
            **event,
            "kind": "event",
            "at": datetime.fromisoformat(event["at"]),
            "effects": [_effect(fx) for fx in event["effects"]],
        }
        for event in view["timeline"]
    ]
    shown: set[str] = set()
    for activity in view["activities"]:
        task = activity["data"].get("task_id")
        effect = background.get(task) if isinstance(task, str) else None
        if effect is not None:
            shown.add(effect["task_id"])
        entries.append(
            {
                "kind": "activity",
                "trigger": activity["kind"],
                "state": activity["state"],
                "actor": activity["actor"],
                "at": datetime.fromisoformat(activity["at"]),
                "reason": activity["reason"],
                "data": activity["data"],
                "effects": [effect] if effect is not None else [],
            }
        )
    # A stable sort: at the same moment an event stays before the activity it caused.
    entries.sort(key=lambda entry: entry["at"])
    entries.reverse()
    return entries, [fx for task, fx in background.items() if task not in shown]


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
        definition = rt.machine(case.workflow).definition
        file: dict[str, Any] = {
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
        }
    # Each read below opens its own session: one at a time (on SQLite every session
    # begins IMMEDIATE, so a second one inside the first would wait for it forever).
    timeline, background = _timeline(rt, case_id)
    return {
        **file,
        "timeline": timeline,
        "background": background,
        "referrals": programme_referrals.list_referrals(rt, case_id=case_id),
        "reminders": programme_reminders.list_reminders(rt, case_id=case_id),
        "procurement": programme_procurement.list_procurement(rt, case_id=case_id),
    }
