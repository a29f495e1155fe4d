"""A foster family from the commission's decision on: the decision (a refusal closes the
case), the child matched with it, the placement, and the monitoring visits, each of
which schedules the reminder of the next one (through reminders' face)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from workflow.activity import require_actor
from workflow.commands import AdvanceCase
from workflow.persistence.models import CaseRow
from workflow.programme.foster_care.commands import (
    RecordCommissionDecision,
    RecordMatch,
    RecordMonitoringVisit,
    RecordPlacement,
)
from workflow.programme.foster_care.config import foster_rules
from workflow.programme.foster_care.errors import WrongStep
from workflow.programme.foster_care.models import (
    FosterDecisionRow,
    FosterMatchRow,
    FosterPlacementRow,
    FosterVisitRow,
)
from workflow.programme.foster_care.services import foster_case, worker_to_remind
from workflow.programme.reminders import (
    CLOSED,
    FOSTER_MONITORING_VISIT,
    cancel_waiting,
    schedule_reminder,
)
from workflow.programme.shared.cases import (
    FOSTER_WORKFLOW,
    CaseFileChanged,
    not_in_future,
    record_change,
)
from workflow.programme.shared.values import Collector, text_value
from workflow.programme.staff import staff_member
from workflow.runtime import Runtime
from workflow.services import advance_case_in
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

#: Why waiting monitoring reminders were cancelled: the visit they asked for was recorded.
VISIT_RECORDED = "monitoring_visit_recorded"
#: The closure reason a refusal by the commission closes the case with (foster_care.toml).
REFUSED = "commission_refused"
#: A child is placed in foster care under 18.
MAX_CHILD_AGE = 17
#: Initials as the guardianship file writes them: a few letters, never a name.
MAX_INITIALS = 6


def record_decision(
    rt: Runtime, uow: UnitOfWork, command: RecordCommissionDecision
) -> CaseFileChanged:
    """The commission's decision with its number and date. A refusal closes the case in
    the same transaction, with the closure reason ``commission_refused``."""
    actor = require_actor(command.actor)
    problems = Collector()
    number = text_value(
        command.decision_number, "decision_number", problems, required=True, max_length=64
    )
    notes = text_value(command.notes, "notes", problems, max_length=2000)
    not_in_future(rt, command.decided_on, "decided_on", problems)
    problems.check()
    assert number is not None  # required above
    case = foster_case(
        rt,
        uow,
        command.case_id,
        command.expected_version,
        what="the commission's decision",
        states=("approval",),
    )
    row = FosterDecisionRow(
        case_id=case.id,
        approved=command.approved,
        decision_number=number,
        decided_on=command.decided_on,
        notes=notes,
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    data = {
        "decision_id": row.id,
        "approved": row.approved,
        "decision_number": number,
        "decided_on": row.decided_on.isoformat(),
    }
    version = record_change(
        rt, uow, case=case, trigger="record_commission_decision", actor=actor, data=data
    )
    if not command.approved:
        closed = advance_case_in(
            rt,
            uow,
            AdvanceCase(
                case_id=case.id,
                trigger="close",
                actor=actor,
                reason=notes or f"commission decision {number} of {row.decided_on.isoformat()}",
                data={"closure_reason": REFUSED, "decision_id": row.id},
            ),
        )
        version = closed.version
    uow.commit()
    return CaseFileChanged(case.id, "record_commission_decision", version, row.id)


def record_match(rt: Runtime, uow: UnitOfWork, command: RecordMatch) -> CaseFileChanged:
    """The child matched with the family, as the guardianship file names them."""
    actor = require_actor(command.actor)
    problems = Collector()
    reference = text_value(
        command.child_reference, "child_reference", problems, required=True, max_length=64
    )
    initials = text_value(
        command.child_initials, "child_initials", problems, required=True, max_length=MAX_INITIALS
    )
    if initials is not None and " " in initials.strip(". "):
        problems.add("child_initials", "give the initials only (e.g. Ա.Հ.), not the name")
    age = command.child_age
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_CHILD_AGE:
        problems.add("child_age", f"must be a whole number of years from 0 to {MAX_CHILD_AGE}")
    notes = text_value(command.notes, "notes", problems, max_length=2000)
    not_in_future(rt, command.matched_on, "matched_on", problems)
    problems.check()
    assert reference is not None and initials is not None  # required above
    case = foster_case(
        rt,
        uow,
        command.case_id,
        command.expected_version,
        what="a match",
        states=("matching", "placement"),
    )
    row = FosterMatchRow(
        case_id=case.id,
        child_reference=reference,
        child_initials=initials,
        child_age=age,
        matched_on=command.matched_on,
        notes=notes,
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    # The timeline is read by more people than the match: the child's reference only.
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_foster_match",
        actor=actor,
        data={"match_id": row.id, "child_reference": reference, "matched_on": str(row.matched_on)},
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_foster_match", version, row.id)


def record_placement(rt: Runtime, uow: UnitOfWork, command: RecordPlacement) -> CaseFileChanged:
    """The matched child moved in; ``place`` then starts the monitoring."""
    actor = require_actor(command.actor)
    problems = Collector()
    notes = text_value(command.notes, "notes", problems, max_length=2000)
    not_in_future(rt, command.placed_on, "placed_on", problems)
    problems.check()
    case = foster_case(
        rt,
        uow,
        command.case_id,
        command.expected_version,
        what="the placement",
        states=("placement",),
    )
    match = uow.session.scalar(
        select(FosterMatchRow)
        .where(FosterMatchRow.case_id == case.id)
        .order_by(FosterMatchRow.id.desc())
        .limit(1)
    )
    if match is None:  # a case in "placement" got there by its match; an old file may not
        raise WrongStep(case.id, "the placement of a matched child", case.state, ("placement",))
    if command.placed_on < match.matched_on:
        problems.add(
            "placed_on",
            f"{command.placed_on.isoformat()} is before the match ({match.matched_on.isoformat()})",
        )
        problems.check()
    row = FosterPlacementRow(
        case_id=case.id,
        match_id=match.id,
        placed_on=command.placed_on,
        notes=notes,
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_foster_placement",
        actor=actor,
        data={"placement_id": row.id, "match_id": match.id, "placed_on": str(row.placed_on)},
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_foster_placement", version, row.id)


def record_visit(rt: Runtime, uow: UnitOfWork, command: RecordMonitoringVisit) -> CaseFileChanged:
    """A monitoring visit: it answers the reminder waiting for it, and the next visit's
    reminder is scheduled in the same transaction."""
    actor = require_actor(command.actor)
    problems = Collector()
    observations = text_value(
        command.observations, "observations", problems, required=True, max_length=8000
    )
    not_in_future(rt, command.visited_on, "visited_on", problems)
    next_due = command.next_visit_due or command.visited_on + foster_rules().visit_every
    if next_due <= command.visited_on:
        problems.add("next_visit_due", f"{next_due.isoformat()} must be after the visit")
    elif next_due > command.visited_on + timedelta(days=366):
        problems.add("next_visit_due", "must be within a year of the visit")
    problems.check()
    assert observations is not None  # required above
    case = foster_case(
        rt,
        uow,
        command.case_id,
        command.expected_version,
        what="a monitoring visit",
        states=("monitoring",),
    )
    visitor = staff_member(uow.session, command.visitor)
    now = rt.clock.now()
    row = FosterVisitRow(
        case_id=case.id,
        visited_on=command.visited_on,
        visitor_id=visitor.id,
        observations=clean(observations) or observations,
        next_visit_due=next_due,
        recorded_by=actor,
        recorded_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_foster_visit",
        actor=actor,
        data={
            "visit_id": row.id,
            "visitor": visitor.username,
            "visited_on": row.visited_on.isoformat(),
            "next_visit_due": next_due.isoformat(),
        },
    )
    cancel_waiting(
        rt, uow, case=case, reason=VISIT_RECORDED, actor=actor, kinds=(FOSTER_MONITORING_VISIT,)
    )
    recipient = worker_to_remind(uow.session, case.id) or visitor
    schedule_reminder(
        uow,
        case=case,
        kind=FOSTER_MONITORING_VISIT,
        recipient_id=recipient.id,
        due_day=next_due,
        actor=actor,
        now=now,
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_foster_visit", version, row.id)


def on_transition(
    rt: Runtime, uow: UnitOfWork, case: CaseRow, from_state: str, to_state: str, actor: str
) -> None:
    """Transition listener: a closed foster case needs no more monitoring reminders."""
    if case.workflow == FOSTER_WORKFLOW and to_state == "closed":
        cancel_waiting(
            rt, uow, case=case, reason=CLOSED, actor=actor, kinds=(FOSTER_MONITORING_VISIT,)
        )
