"""The background work of the foster-care workflow, each run once per outbox row by the
engine's workers: the submission mailed to the guardianship and trusteeship commission,
the first monitoring visit's reminder, and the starter kit requested from procurement.
Each reuses its feature's machinery (mail with a stable Message-ID, reminder rows swept by
beat, procurement requests approved and ordered like any other)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from workflow.clock import local_day
from workflow.persistence.models import CaseRow
from workflow.programme.foster_care.config import STARTER_KIT_SERVICE, foster_rules
from workflow.programme.foster_care.models import (
    FosterHomeAssessmentRow,
    FosterPlacementRow,
    FosterTrainingRow,
)
from workflow.programme.foster_care.services import foster_family_of, worker_to_remind
from workflow.programme.inbox import SYSTEM_ACTOR, note_done, send_mail, staff_contact
from workflow.programme.plans import PlannedServiceRow
from workflow.programme.procurement import new_request
from workflow.programme.reminders import FOSTER_MONITORING_VISIT, schedule_reminder
from workflow.programme.staff import CommunityRow
from workflow.runtime import EffectContext


def _case(context: EffectContext) -> CaseRow:
    case = context.session.get(CaseRow, context.case_id)
    assert case is not None  # a transition's effect always has its case
    return case


def mail_commission(context: EffectContext) -> Mapping[str, Any]:
    """``submit_to_commission``: the commission of the family's community is sent the
    submission, by case number, with the social worker who brings the file."""
    case = _case(context)
    if case.state != "approval":  # closed (or decided) before this effect ran
        return {"skipped": case.state}
    session = context.session
    family = foster_family_of(session, case.id)
    place = session.get(CommunityRow, family.community_id)
    assert place is not None
    commission = foster_rules().commission_for(place.code)
    home = session.scalar(
        select(FosterHomeAssessmentRow)
        .where(FosterHomeAssessmentRow.case_id == case.id)
        .order_by(FosterHomeAssessmentRow.assessed_on.desc(), FosterHomeAssessmentRow.id.desc())
        .limit(1)
    )
    trained_on = session.scalar(
        select(func.max(FosterTrainingRow.held_on)).where(FosterTrainingRow.case_id == case.id)
    )
    assert home is not None and trained_on is not None  # the transition's guards saw them
    outcome = next(item for item in foster_rules().outcomes if item.code == home.outcome)
    language = commission.language
    name, phone, email = staff_contact(context.runtime.settings, worker_to_remind(session, case.id))
    message_id = send_mail(
        context,
        template="foster_commission_submission",
        to=commission.email,
        language=language,
        values={
            "commission_name": commission.name(language),
            "case_number": case.id,
            "community": place.name_hy if language == "hy" else place.name_en,
            "home_assessed_on": home.assessed_on,
            "assessment_outcome": outcome.label(language),
            "training_completed_on": trained_on,
            "submitted_on": local_day(context.now),
            "social_worker": name or "—",
            "worker_phone": phone,
            "worker_email": email,
        },
        key_parts=("foster-commission", case.id),
    )
    note_done(
        context,
        case.id,
        "foster_commission_mailed",
        {"commission": commission.code, "message_id": message_id},
    )
    return {"commission": commission.code, "message_id": message_id}


def _placement(context: EffectContext, case_id: int) -> FosterPlacementRow | None:
    return context.session.scalar(
        select(FosterPlacementRow)
        .where(FosterPlacementRow.case_id == case_id)
        .order_by(FosterPlacementRow.placed_on.desc(), FosterPlacementRow.id.desc())
        .limit(1)
    )


def schedule_first_visit(context: EffectContext) -> Mapping[str, Any]:
    """``place``: the social worker is reminded of the first monitoring visit."""
    case = _case(context)
    placement = _placement(context, case.id)
    if case.state != "monitoring" or placement is None:
        return {"skipped": case.state}
    worker = worker_to_remind(context.session, case.id)
    if worker is None:
        return {"skipped": "no social worker or manager to remind"}
    due_day = placement.placed_on + foster_rules().first_visit_within
    row = schedule_reminder(
        context.uow,
        case=case,
        kind=FOSTER_MONITORING_VISIT,
        recipient_id=worker.id,
        due_day=due_day,
        actor=SYSTEM_ACTOR,
        now=context.now,
    )
    return {"reminder_id": row.id, "due_on": due_day.isoformat()}


def request_starter_kit(context: EffectContext) -> Mapping[str, Any]:
    """``place``: the starter kit is put in the family's plan and requested from
    procurement for the configured items' total; approval, the purchase order and the
    delivery then follow procurement's own steps."""
    case = _case(context)
    placement = _placement(context, case.id)
    if placement is None:
        return {"skipped": "no placement on file"}
    rules = foster_rules()
    now = context.now
    planned = PlannedServiceRow(
        case_id=case.id,
        service=STARTER_KIT_SERVICE,
        status="planned",
        target_date=placement.placed_on,
        notes="; ".join(f"{item.labels['hy']} ({item.cost_amd} ֏)" for item in rules.starter_kit),
        created_at=now,
        updated_at=now,
    )
    context.session.add(planned)
    context.session.flush()
    request = new_request(
        context.runtime,
        context.uow,
        planned=planned,
        actor=SYSTEM_ACTOR,
        amount=rules.starter_kit_total_amd,
    )
    return {
        "planned_service_id": planned.id,
        "request_id": request.id,
        "amount_amd": request.amount_amd,
        "items": [item.code for item in rules.starter_kit],
    }


EFFECTS = {
    "referrals.foster_commission_submission": mail_commission,
    "reminders.foster_monitoring_visit": schedule_first_visit,
    "procurement.foster_starter_kit": request_starter_kit,
}
