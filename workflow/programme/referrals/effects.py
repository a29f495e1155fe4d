"""The background work of referrals: the mail to the partner, the reminder when it
does not answer, the escalation to a manager. Each runs once per outbox row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from workflow.clock import local_day
from workflow.persistence.models import CaseRow
from workflow.programme.families import REFERRAL, FamilyRow, has_consent
from workflow.programme.inbox import (
    SYSTEM_ACTOR,
    active_managers,
    add_inbox_item,
    escalate_to,
    note_done,
    send_mail,
    staff_contact,
)
from workflow.programme.referrals.errors import ReferralNotFound
from workflow.programme.referrals.links import (
    RESENDABLE,
    issue_link,
    link_url,
    mail_handed_over,
)
from workflow.programme.referrals.models import PartnerRow, ReferralRow
from workflow.programme.referrals.services import queue_referral
from workflow.programme.shared.policies import policies
from workflow.programme.staff import StaffRow
from workflow.runtime import EffectContext, Runtime

#: A queued referral that was never mailed: the family's consent to referral had lapsed.
WITHHELD = "withheld"

#: Timeline entry and inbox item: enrolment referrals not sent, no referral consent.
REFERRALS_HELD = "referrals_held_no_consent"


def _referral(context: EffectContext) -> ReferralRow:
    referral = context.session.get(
        ReferralRow, int(context.payload["referral_id"]), with_for_update=True
    )
    if referral is None:
        raise ReferralNotFound(int(context.payload["referral_id"]))
    return referral


def _mail_values(rt: Runtime, context: EffectContext, referral: ReferralRow) -> dict[str, Any]:
    """The referral's numbers and the worker the partner answers to: the family's social
    worker, else (no one assigned yet) a manager, reached by phone and e-mail."""
    family = context.session.scalar(select(FamilyRow).where(FamilyRow.case_id == referral.case_id))
    social_worker = family.social_worker_id if family is not None else None
    worker = context.session.get(StaffRow, social_worker) if social_worker else None
    if worker is None or not worker.active:
        managers = active_managers(context.session)
        worker = managers[0] if managers else None
    name, phone, email = staff_contact(rt.settings, worker)
    sent = referral.sent_at or context.now
    return {
        "case_number": referral.case_id,
        "referral_number": referral.id,
        "service": referral.purpose,
        # Only a programme with no manager at all has nobody to name.
        "social_worker": name or "—",
        "worker_phone": phone,
        "worker_email": email,
        "sent_on": local_day(sent),
        "respond_by": local_day(sent + policies().referral_acknowledge_within),
    }


def send_referral(context: EffectContext) -> Mapping[str, Any]:
    rt = context.runtime
    referral = _referral(context)
    if referral.status != "queued":
        return {"referral_id": referral.id, "skipped": referral.status}
    # Consent may have been withdrawn between the referral and its mail (the broker was
    # down, the worker busy): then the family's case goes to no partner.
    if not has_consent(context.session, referral.case_id, REFERRAL, local_day(context.now)):
        referral.status = WITHHELD
        _note(context, referral, "referral_withheld", {"reason": "no_referral_consent"})
        return {"referral_id": referral.id, "withheld": "no consent to referral valid today"}
    partner = context.session.get(PartnerRow, referral.partner_id)
    assert partner is not None
    values = _mail_values(rt, context, referral)
    values["sent_on"] = local_day(context.now)
    values.update(_new_link(context, referral))
    message_id = send_mail(
        context,
        template="referral_to_partner",
        to=partner.email,
        language=partner.language,
        values=values,
        key_parts=("referral", referral.id),
    )
    referral.status = "sent"
    referral.sent_at = context.now
    referral.message_id = message_id
    deadlines = policies()
    referral.partner_reminder_due_at = context.now + deadlines.referral_acknowledge_within
    referral.escalation_due_at = context.now + deadlines.referral_escalate_after
    _note(context, referral, "referral_sent", {"partner": partner.code, "message_id": message_id})
    return {"referral_id": referral.id, "partner": partner.code, "message_id": message_id}


#: Stands in for the token in a mail that is not sent again (its first run sent it).
NOT_SENT_AGAIN = "-" * 43


def _new_link(context: EffectContext, referral: ReferralRow) -> dict[str, Any]:
    """A new link for the partner's answer: its address and how long it works, for the
    mail. When an earlier run of this effect mailed its link already, that link stands
    (``issue_link`` kept it) and this run's mail, not sent again, needs none."""
    settings = context.runtime.settings
    if mail_handed_over(context.uow, context.outbox_id):
        token = NOT_SENT_AGAIN
    else:
        token = issue_link(
            context.runtime,
            context.uow,
            referral=referral,
            now=context.now,
            outbox_id=context.outbox_id,
        )
    return {
        "partner_link": link_url(settings.web_base_url, referral.id, token),
        "link_days": settings.referral_link_days,
    }


def send_link(context: EffectContext) -> Mapping[str, Any]:
    """A staff member asked for a new link (the old ones are revoked): mail it."""
    referral = _referral(context)
    if referral.status not in RESENDABLE:
        return {"referral_id": referral.id, "skipped": referral.status}
    if not has_consent(context.session, referral.case_id, REFERRAL, local_day(context.now)):
        return {"referral_id": referral.id, "skipped": "no consent to referral valid today"}
    partner = context.session.get(PartnerRow, referral.partner_id)
    assert partner is not None
    values = _mail_values(context.runtime, context, referral)
    values.update(_new_link(context, referral))
    message_id = send_mail(
        context,
        template="referral_link",
        to=partner.email,
        language=partner.language,
        values=values,
        key_parts=("referral-link", referral.id),
    )
    _note(context, referral, "referral_link_sent", {"partner": partner.code})
    return {"referral_id": referral.id, "message_id": message_id}


def remind_partner(context: EffectContext) -> Mapping[str, Any]:
    referral = _referral(context)
    if referral.status != "sent":
        return {"referral_id": referral.id, "skipped": referral.status}
    if not has_consent(context.session, referral.case_id, REFERRAL, local_day(context.now)):
        # The family withdrew its consent: the partner is not pressed to take the case.
        return {"referral_id": referral.id, "skipped": "no consent to referral valid today"}
    partner = context.session.get(PartnerRow, referral.partner_id)
    assert partner is not None
    message_id = send_mail(
        context,
        template="referral_acknowledgement_reminder",
        to=partner.email,
        language=partner.language,
        values=_mail_values(context.runtime, context, referral),
        key_parts=("referral-reminder", referral.id),
    )
    _note(context, referral, "referral_partner_reminded", {"partner": partner.code})
    return {"referral_id": referral.id, "message_id": message_id}


def escalate_referral(context: EffectContext) -> Mapping[str, Any]:
    referral = _referral(context)
    manager = context.session.get(StaffRow, int(context.payload["manager_id"]))
    if referral.status != "sent" or manager is None or not manager.active:
        return {"referral_id": referral.id, "skipped": referral.status}
    partner = context.session.get(PartnerRow, referral.partner_id)
    assert partner is not None
    values = _mail_values(context.runtime, context, referral) | {
        "manager_name": manager.full_name,
        "partner_name": partner.name_hy if manager.language == "hy" else partner.name_en,
    }
    message_id = escalate_to(
        context,
        manager,
        template="referral_escalation",
        values=values,
        key_parts=("referral-escalation", referral.id, manager.id),
        case_id=referral.case_id,
        kind="referral_escalation",
        referral_id=referral.id,
    )
    _note(context, referral, "referral_escalated", {"manager": manager.username})
    return {"referral_id": referral.id, "manager": manager.username, "message_id": message_id}


def notify_partners(context: EffectContext) -> Mapping[str, Any]:
    """A transition's effect: refer the family to every partner configured for it.

    Without the family's consent to referral valid today nothing is sent: the timeline
    says which partners were not referred and why, and the family's social worker (a
    manager while none is assigned) finds it in their inbox."""
    trigger = str(context.payload.get("trigger", ""))
    partners = []
    for seed in policies().partners:
        purpose = seed.refer_on.get(trigger)
        if not purpose:
            continue
        partner = context.session.scalar(
            select(PartnerRow).where(PartnerRow.code == seed.code, PartnerRow.active.is_(True))
        )
        if partner is not None:
            partners.append((partner, purpose))
    if not partners:
        # Most triggers refer to no one: then the case need not be read at all.
        return {"trigger": trigger, "referral_ids": []}
    case = context.session.get(CaseRow, context.case_id)
    assert case is not None
    if not has_consent(context.session, case.id, REFERRAL, local_day(context.now)):
        held = [partner.code for partner, _ in partners]
        note_done(context, case.id, REFERRALS_HELD, {"trigger": trigger, "partners": held})
        for worker in _who_refers(context, case.id):
            add_inbox_item(context, staff_id=worker.id, case_id=case.id, kind=REFERRALS_HELD)
        return {"trigger": trigger, "referral_ids": [], "held_without_consent": held}
    created = [
        queue_referral(
            context.runtime,
            context.uow,
            case=case,
            partner=partner,
            purpose=purpose,
            actor=SYSTEM_ACTOR,
        ).id
        for partner, purpose in partners
    ]
    return {"trigger": trigger, "referral_ids": created}


def _who_refers(context: EffectContext, case_id: int) -> list[StaffRow]:
    """The family's social worker, else (none assigned) the managers."""
    family = context.session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
    worker_id = family.social_worker_id if family is not None else None
    worker = context.session.get(StaffRow, worker_id) if worker_id else None
    if worker is not None and worker.active:
        return [worker]
    return list(active_managers(context.session))


def _note(context: EffectContext, referral: ReferralRow, kind: str, data: dict[str, Any]) -> None:
    note_done(context, referral.case_id, kind, {"referral_id": referral.id, **data})
