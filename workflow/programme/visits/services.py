"""Recording a home visit, the plan's goals and its reviews. Each is one transaction:
the rows, the case's timeline entry (naming the record, never its observations: the
timeline is read by everyone who opens the case) and the reminder of what is next.

A visit's "next visit due" schedules a reminder for that morning, replacing the one
still waiting; the plan's first goal schedules the reminder of its first review (the
configured months later, some days ahead), and each review the next one. Beat sweeps
them with every other reminder; closing the case cancels what still waits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from workflow.activity import require_actor
from workflow.clock import local_day
from workflow.persistence.models import CaseRow
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.plans import PlannedServiceRow
from workflow.programme.reminders import HOME_VISIT, PLAN_REVIEW, cancel_waiting, schedule_reminder
from workflow.programme.shared.cases import CaseFileChanged, case_for_change, record_change
from workflow.programme.shared.values import Collector, text_value
from workflow.programme.staff import StaffRow, staff_member
from workflow.programme.visits.commands import AddGoal, RecordReview, RecordVisit, UpdateGoal
from workflow.programme.visits.config import review_rules
from workflow.programme.visits.errors import GoalNotFound
from workflow.programme.visits.models import HomeVisitRow, PlanGoalRow, PlanReviewRow
from workflow.programme.visits.queries import next_review_on
from workflow.programme.visits.rules import (
    LONG_TEXT,
    WRITER_ROLES,
    check_goal_date,
    check_goal_text,
    check_status,
    check_visit_days,
    staff_of,
)
from workflow.runtime import Runtime
from workflow.unit_of_work import UnitOfWork

#: Why a waiting reminder was cancelled by this room (codes, said in each reader's language).
VISIT_RECORDED = "home_visit_recorded"
REVIEW_RECORDED = "plan_review_recorded"


def _check_writer(uow: UnitOfWork, actor: str, problems: Collector) -> None:
    if ":" in actor:  # an operator (cli:NAME) records as the administration does
        return
    role = staff_member(uow.session, actor).role
    if role not in WRITER_ROLES:
        problems.add("actor", f"a {role.replace('_', ' ')} does not record home visits or plans")


def _worker_to_remind(uow: UnitOfWork, case_id: int, fallback: StaffRow | None) -> int | None:
    """The family's social worker, else who recorded it."""
    family = uow.session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
    if family is not None and family.social_worker_id is not None:
        return family.social_worker_id
    return fallback.id if fallback is not None else None


def _actor_staff(uow: UnitOfWork, actor: str) -> StaffRow | None:
    if ":" in actor:
        return None
    return staff_member(uow.session, actor)


def record_visit(rt: Runtime, uow: UnitOfWork, command: RecordVisit) -> CaseFileChanged:
    actor = require_actor(command.actor)
    now = rt.clock.now()
    case = case_for_change(rt, uow, command.case_id, None)
    problems = Collector()
    check_visit_days(
        visited_on=command.visited_on,
        next_visit_due=command.next_visit_due,
        today=local_day(now),
        problems=problems,
    )
    visitors = staff_of(uow.session, command.visitors, "visitors", problems)
    observations = text_value(
        command.observations, "observations", problems, required=True, max_length=LONG_TEXT
    )
    met_others = text_value(command.met_others, "met_others", problems, max_length=LONG_TEXT)
    members = _members_of(uow, command.case_id)
    unknown = [m for m in command.met_members if m not in members]
    if unknown:
        problems.add("met_members", f"{unknown} is not a member of this family's household")
    if not command.met_members and met_others is None:
        problems.add("met_members", "is required: the members met, or who else in words")
    _check_writer(uow, actor, problems)
    problems.check()
    assert observations is not None
    row = HomeVisitRow(
        case_id=case.id,
        visited_on=command.visited_on,
        visitor_ids=[v.id for v in visitors],
        met_member_ids=list(dict.fromkeys(command.met_members)),
        met_others=met_others,
        observations=observations,
        next_visit_due=command.next_visit_due,
        recorded_by=actor,
        recorded_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_home_visit",
        actor=actor,
        data={
            "visit_id": row.id,
            "visited_on": row.visited_on.isoformat(),
            "visitors": [v.username for v in visitors],
            "next_visit_due": row.next_visit_due.isoformat() if row.next_visit_due else None,
        },
    )
    # This visit is the one the waiting reminder asked for.
    cancel_waiting(rt, uow, case=case, reason=VISIT_RECORDED, actor=actor, kinds=(HOME_VISIT,))
    if command.next_visit_due is not None:
        recipient = _worker_to_remind(uow, case.id, visitors[0])
        assert recipient is not None
        schedule_reminder(
            uow,
            case=case,
            kind=HOME_VISIT,
            recipient_id=recipient,
            due_day=command.next_visit_due,
            actor=actor,
            now=now,
        )
    uow.commit()
    return CaseFileChanged(case.id, "record_home_visit", version, row.id)


def _members_of(uow: UnitOfWork, case_id: int) -> set[int]:
    return set(
        uow.session.scalars(
            select(MemberRow.id)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(FamilyRow.case_id == case_id, MemberRow.removed_at.is_(None))
        )
    )


def _remind_review(
    rt: Runtime, uow: UnitOfWork, case: CaseRow, due: date, actor: str, fallback: StaffRow | None
) -> None:
    recipient = _worker_to_remind(uow, case.id, fallback)
    if recipient is None:  # an operator's goal on a case nobody is assigned: nobody to tell
        return
    now = rt.clock.now()
    schedule_reminder(
        uow,
        case=case,
        kind=PLAN_REVIEW,
        recipient_id=recipient,
        due_day=review_rules().reminder_day(due, local_day(now)),
        actor=actor,
        now=now,
    )


def add_goal(rt: Runtime, uow: UnitOfWork, command: AddGoal) -> CaseFileChanged:
    actor = require_actor(command.actor)
    now = rt.clock.now()
    case = case_for_change(rt, uow, command.case_id, None)
    problems = Collector()
    what = check_goal_text(command.what, problems)
    check_goal_date(command.by_when, local_day(now), problems)
    _check_writer(uow, actor, problems)
    problems.check()
    assert what is not None
    first = (
        uow.session.scalar(select(PlanGoalRow.id).where(PlanGoalRow.case_id == case.id).limit(1))
        is None
    )
    row = PlanGoalRow(
        case_id=case.id,
        what=what,
        by_when=command.by_when,
        status="open",
        drop_reason=None,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="add_plan_goal",
        actor=actor,
        data={"goal_id": row.id, "by_when": row.by_when.isoformat()},
    )
    if first:
        due = next_review_on(uow.session, case.id)
        assert due is not None
        _remind_review(rt, uow, case, due, actor, _actor_staff(uow, actor))
    uow.commit()
    return CaseFileChanged(case.id, "add_plan_goal", version, row.id)


def update_goal(rt: Runtime, uow: UnitOfWork, command: UpdateGoal) -> CaseFileChanged:
    actor = require_actor(command.actor)
    now = rt.clock.now()
    goal = uow.session.get(PlanGoalRow, command.goal_id)
    if goal is None or command.case_id not in (None, goal.case_id):
        raise GoalNotFound(command.goal_id)
    problems = Collector()
    if command.what is None and command.by_when is None and not command.status:
        problems.add("status", "is required: give what changes (the text, the date or the status)")
    what = check_goal_text(command.what, problems) if command.what is not None else goal.what
    if command.by_when is not None and command.by_when != goal.by_when:
        check_goal_date(command.by_when, local_day(now), problems)
    status = check_status(command.status, "status", problems) if command.status else goal.status
    reason = text_value(command.reason, "reason", problems, max_length=LONG_TEXT)
    if status == "dropped" and reason is None and goal.drop_reason is None:
        problems.add("reason", "is required when a goal is dropped: say why")
    _check_writer(uow, actor, problems)
    problems.check()
    assert what is not None and status is not None
    case = case_for_change(rt, uow, goal.case_id, None)
    before = {"status": goal.status, "by_when": goal.by_when.isoformat()}
    goal.what = what
    goal.by_when = command.by_when or goal.by_when
    goal.status = status
    goal.drop_reason = (reason or goal.drop_reason) if status == "dropped" else None
    goal.updated_at = now
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="update_plan_goal",
        actor=actor,
        data={
            "goal_id": goal.id,
            "before": before,
            "after": {"status": goal.status, "by_when": goal.by_when.isoformat()},
        },
        reason=goal.drop_reason if status == "dropped" else None,
    )
    uow.commit()
    return CaseFileChanged(case.id, "update_plan_goal", version, goal.id)


def record_review(rt: Runtime, uow: UnitOfWork, command: RecordReview) -> CaseFileChanged:
    actor = require_actor(command.actor)
    now = rt.clock.now()
    today = local_day(now)
    case = case_for_change(rt, uow, command.case_id, None)
    problems = Collector()
    goals = {
        g.id: g
        for g in uow.session.scalars(
            select(PlanGoalRow).where(PlanGoalRow.case_id == command.case_id)
        )
    }
    has_services = (
        uow.session.scalar(
            select(PlannedServiceRow.id)
            .where(PlannedServiceRow.case_id == command.case_id)
            .limit(1)
        )
        is not None
    )
    if not goals and not has_services:
        problems.add("plan", "this case has no service plan yet: set its goals first")
    if command.reviewed_on > today:
        problems.add("reviewed_on", f"{command.reviewed_on.isoformat()} is in the future")
    reviewers = staff_of(uow.session, command.reviewers, "reviewers", problems)
    decided: dict[int, tuple[str, str]] = {}
    for item in command.decisions:
        field = f"goal_{item.goal_id}"
        if item.goal_id not in goals:
            problems.add(field, f"plan goal {item.goal_id} is not one of this case's goals")
            continue
        decision = text_value(item.decision, f"{field}_decision", problems, max_length=LONG_TEXT)
        status = check_status(item.status, f"{field}_status", problems)
        if decision is None and status != goals[item.goal_id].status:
            problems.add(f"{field}_decision", "is required: say what was decided")
        if decision is not None and status is not None:
            decided[item.goal_id] = (decision, status)
    missing = [g.id for g in goals.values() if g.status == "open" and g.id not in decided]
    for goal_id in missing:
        if not any(f.field.startswith(f"goal_{goal_id}_") for f in problems.problems):
            problems.add(f"goal_{goal_id}_decision", "is required: say what was decided")
    next_review = command.next_review_on or review_rules().next_after(command.reviewed_on)
    if next_review <= command.reviewed_on:
        problems.add("next_review_on", f"{next_review.isoformat()} must be after the review")
    _check_writer(uow, actor, problems)
    problems.check()
    for goal_id, (decision, status) in decided.items():
        goal = goals[goal_id]
        if status != goal.status:
            goal.status = status
            goal.drop_reason = decision if status == "dropped" else None
            goal.updated_at = now
    row = PlanReviewRow(
        case_id=case.id,
        reviewed_on=command.reviewed_on,
        reviewer_ids=[r.id for r in reviewers],
        decisions=[
            {"goal_id": goal_id, "decision": decision, "status": status}
            for goal_id, (decision, status) in decided.items()
        ],
        next_review_on=next_review,
        recorded_by=actor,
        recorded_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_plan_review",
        actor=actor,
        data={
            "review_id": row.id,
            "reviewed_on": row.reviewed_on.isoformat(),
            "next_review_on": next_review.isoformat(),
            "goals": len(decided),
        },
    )
    cancel_waiting(rt, uow, case=case, reason=REVIEW_RECORDED, actor=actor, kinds=(PLAN_REVIEW,))
    _remind_review(rt, uow, case, next_review, actor, reviewers[0])
    uow.commit()
    return CaseFileChanged(case.id, "record_plan_review", version, row.id)
