"""Referrals to partner organisations.

queued -> sent -> acknowledged -> accepted | declined -> completed

Staff (or a transition, through the ``referrals.notify_partners`` effect) create a
referral; the ``referrals.send`` effect mails it and records when; staff record the
partner's answers. The hourly deadline sweep reminds a silent partner and then tells
the programme managers. Every step goes on the case timeline.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from workflow.activity import note_activity, require_actor
from workflow.clock import local_day
from workflow.persistence.models import CaseRow
from workflow.programme.families import (
    REFERRAL,
    OpenReferral,
    ReferralConsentWithdrawn,
    has_consent,
)
from workflow.programme.inbox import InboxItemRow, active_managers, mark_inbox_read
from workflow.programme.referrals.commands import (
    CreateReferral,
    ReferralChanged,
    ReferralCreated,
    RespondToReferral,
    SweepReferralDeadlines,
)
from workflow.programme.referrals.errors import (
    PartnerNotFound,
    ReferralConsentMissing,
    ReferralNotFound,
    ReferralResponseRefused,
)
from workflow.programme.referrals.models import PartnerRow, ReferralRow
from workflow.programme.shared.cases import case_for_change
from workflow.programme.shared.values import Collector
from workflow.runtime import Runtime
from workflow.services import enqueue_effect
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

#: response -> (statuses it may follow, new status)
RESPONSES: Mapping[str, tuple[tuple[str, ...], str]] = {
    "acknowledged": (("sent",), "acknowledged"),
    "accepted": (("sent", "acknowledged"), "accepted"),
    "declined": (("sent", "acknowledged"), "declined"),
    "completed": (("accepted",), "completed"),
}


def allowed_responses(status: str) -> list[str]:
    return [response for response, (sources, _) in RESPONSES.items() if status in sources]


def partner_by_code(uow: UnitOfWork, code: str) -> PartnerRow:
    partner = uow.session.scalar(
        select(PartnerRow).where(PartnerRow.code == code, PartnerRow.active.is_(True))
    )
    if partner is None:
        known = uow.session.scalars(
            select(PartnerRow.code).where(PartnerRow.active.is_(True)).order_by(PartnerRow.code)
        ).all()
        raise PartnerNotFound(code, list(known))
    return partner


#: A referral in one of these is still with the partner (not declined or completed).
OPEN_STATUSES = ("queued", "sent", "acknowledged", "accepted")


def require_referral_consent(rt: Runtime, uow: UnitOfWork, case: CaseRow) -> None:
    """No referral without the family's consent to referral, valid today."""
    day = local_day(rt.clock.now())
    if not has_consent(uow.session, case.id, REFERRAL, day):
        raise ReferralConsentMissing(case.id, day)


def after_referral_consent_withdrawn(
    rt: Runtime, uow: UnitOfWork, event: ReferralConsentWithdrawn
) -> None:
    """Tell whoever withdrew the consent which referrals are still with partners."""
    rows = uow.session.execute(
        select(ReferralRow.id, PartnerRow.code, ReferralRow.status)
        .join(PartnerRow, PartnerRow.id == ReferralRow.partner_id)
        .where(ReferralRow.case_id == event.case_id, ReferralRow.status.in_(OPEN_STATUSES))
        .order_by(ReferralRow.id)
    ).all()
    event.open_referrals.extend(
        OpenReferral(referral_id=referral_id, partner=partner, status=status)
        for referral_id, partner, status in rows
    )


def queue_referral(
    rt: Runtime,
    uow: UnitOfWork,
    *,
    case: CaseRow,
    partner: PartnerRow,
    purpose: str,
    actor: str,
) -> ReferralRow:
    """A referral row plus the effect that mails it, in the caller's transaction."""
    now = rt.clock.now()
    referral = ReferralRow(
        case_id=case.id,
        partner_id=partner.id,
        purpose=purpose,
        status="queued",
        created_by=actor,
        created_at=now,
    )
    uow.session.add(referral)
    uow.session.flush()
    enqueue_effect(
        rt,
        uow,
        case_id=case.id,
        event_id=None,
        effect="referrals.send",
        payload={"referral_id": referral.id},
        now=now,
    )
    return referral


def create_referral(rt: Runtime, uow: UnitOfWork, command: CreateReferral) -> ReferralCreated:
    actor = require_actor(command.actor)
    purpose = clean(command.purpose)
    problems = Collector()
    if not purpose:
        problems.add("purpose", "say what the family is referred for")
    problems.check()
    assert purpose is not None
    case = case_for_change(rt, uow, command.case_id, None)
    partner = partner_by_code(uow, command.partner)
    require_referral_consent(rt, uow, case)
    referral = queue_referral(rt, uow, case=case, partner=partner, purpose=purpose, actor=actor)
    note_activity(
        uow,
        case=case,
        kind="referral_created",
        actor=actor,
        now=rt.clock.now(),
        data={"referral_id": referral.id, "partner": partner.code, "purpose": purpose},
    )
    uow.commit()
    return ReferralCreated(referral_id=referral.id, case_id=case.id)


def respond_to_referral(
    rt: Runtime, uow: UnitOfWork, command: RespondToReferral
) -> ReferralChanged:
    actor = require_actor(command.actor)
    referral = uow.session.get(ReferralRow, command.referral_id, with_for_update=True)
    if referral is None:
        raise ReferralNotFound(command.referral_id)
    if command.response not in RESPONSES:
        raise ReferralResponseRefused(
            referral.id, referral.status, command.response, allowed_responses(referral.status)
        )
    sources, new_status = RESPONSES[command.response]
    if referral.status not in sources:
        raise ReferralResponseRefused(
            referral.id, referral.status, command.response, allowed_responses(referral.status)
        )
    reason, feedback = clean(command.reason), clean(command.feedback)
    problems = Collector()
    if new_status == "declined" and not reason:
        problems.add("reason", "a declined referral needs the partner's reason")
    if new_status == "completed" and not feedback:
        problems.add("feedback", "a completed referral needs the partner's feedback")
    problems.check()
    now = rt.clock.now()
    referral.status = new_status
    # Any answer from the partner stops the reminder and the escalation.
    referral.partner_reminder_due_at = None
    referral.escalation_due_at = None
    if new_status == "acknowledged":
        referral.acknowledged_at = now
    elif new_status in ("accepted", "declined"):
        referral.acknowledged_at = referral.acknowledged_at or now
        referral.answered_at = now
        referral.decline_reason = reason
    else:
        referral.completed_at = now
        referral.feedback = feedback
    # The partner answered: the managers' escalation items about it are dealt with.
    mark_inbox_read(uow.session, now, InboxItemRow.referral_id == referral.id)
    case = uow.session.get(CaseRow, referral.case_id)
    assert case is not None
    note_activity(
        uow,
        case=case,
        kind=f"referral_{new_status}",
        actor=actor,
        now=now,
        reason=reason,
        data={"referral_id": referral.id, "feedback": feedback}
        | ({"link_id": command.link_id} if command.link_id is not None else {}),
    )
    uow.commit()
    return ReferralChanged(referral_id=referral.id, status=new_status)


def sweep_referral_deadlines(
    rt: Runtime, uow: UnitOfWork, command: SweepReferralDeadlines
) -> dict[str, int]:
    """Claim overdue referrals (SKIP LOCKED: several beats never double up) and queue a
    reminder to the partner, or the managers' escalation, as effects."""
    now = rt.clock.now()
    reminded = uow.session.scalars(
        select(ReferralRow)
        .where(ReferralRow.status == "sent", ReferralRow.partner_reminder_due_at <= now)
        .order_by(ReferralRow.id)
        .with_for_update(skip_locked=True)
    ).all()
    for referral in reminded:
        referral.partner_reminder_due_at = None
        referral.partner_reminded_at = now
        enqueue_effect(
            rt,
            uow,
            case_id=referral.case_id,
            event_id=None,
            effect="referrals.remind_partner",
            payload={"referral_id": referral.id},
            now=now,
        )
    escalated = uow.session.scalars(
        select(ReferralRow)
        .where(ReferralRow.status == "sent", ReferralRow.escalation_due_at <= now)
        .order_by(ReferralRow.id)
        .with_for_update(skip_locked=True)
    ).all()
    managers = active_managers(uow.session)
    for referral in escalated:
        referral.escalation_due_at = None
        referral.escalated_at = now
        for manager in managers:
            enqueue_effect(
                rt,
                uow,
                case_id=referral.case_id,
                event_id=None,
                effect="referrals.escalate",
                payload={"referral_id": referral.id, "manager_id": manager.id},
                now=now,
            )
    uow.commit()
    return {"partner_reminders": len(reminded), "escalations": len(escalated)}
