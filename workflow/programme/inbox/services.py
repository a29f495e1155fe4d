"""What every effect that reaches a person shares: mail in the recipient's language with
a stable key, the in-app inbox, the managers to escalate to, and local dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from config.settings import Settings
from workflow.activity import note_activity
from workflow.notifications import case_url, compose, language_of, message_key, referral_url
from workflow.notifications.handover import send_once
from workflow.persistence.models import CaseRow
from workflow.programme.inbox.models import InboxItemRow
from workflow.programme.staff import StaffRow
from workflow.runtime import EffectContext

#: Who the timeline names for work done by the background workers.
SYSTEM_ACTOR = "hogatar"
MANAGER_ROLES = ("manager",)


def active_managers(session: Session) -> list[StaffRow]:
    return list(
        session.scalars(
            select(StaffRow)
            .where(StaffRow.role.in_(MANAGER_ROLES), StaffRow.active.is_(True))
            .order_by(StaffRow.id)
        )
    )


def send_mail(
    context: EffectContext,
    *,
    template: str,
    to: str,
    language: str | None,
    values: Mapping[str, Any],
    key_parts: tuple[str | int, ...],
) -> str:
    """Render and send one mail; returns its Message-ID.

    The key includes the outbox id, so the Message-ID is stable; once the server
    accepted the mail it is recorded, and a retried or redelivered effect does not send
    it again (``workflow.notifications.handover``).
    """
    settings = context.runtime.settings
    full = dict(values)
    # How a partner or supplier reaches the programme (configuration, in their language).
    full.setdefault("programme_address", settings.programme_address(language_of(language)))
    full.setdefault("programme_phone", settings.programme_phone)
    full.setdefault("programme_email", settings.programme_contact_email)
    if "case_number" in full:
        full.setdefault("case_url", case_url(settings.web_base_url, int(full["case_number"])))
    if "referral_number" in full:
        full.setdefault(
            "referral_url", referral_url(settings.web_base_url, int(full["referral_number"]))
        )
    message = compose(
        template=template,
        values=full,
        language=language,
        sender=settings.mail_sender,
        to=to,
        key=message_key("outbox", context.outbox_id, *key_parts),
        now=context.now,
    )
    # Recorded as handed over right after the server accepts it: a redelivery skips it.
    return send_once(context, message)


def staff_contact(settings: Settings, staff: StaffRow | None) -> tuple[str | None, str, str]:
    """(name, phone, e-mail) by which a partner reaches a worker; the programme office's
    phone and e-mail stand in for what the staff record lacks."""
    if staff is None:
        return None, settings.programme_phone, settings.programme_contact_email
    return (
        staff.full_name,
        staff.phone or settings.programme_phone,
        staff.email or settings.programme_contact_email,
    )


def mark_inbox_read(session: Session, now: datetime, about: ColumnElement[bool]) -> None:
    """The inbox items ``about`` something that was dealt with are read."""
    for item in session.scalars(select(InboxItemRow).where(about, InboxItemRow.read_at.is_(None))):
        item.read_at = now


def add_inbox_item(
    context: EffectContext,
    *,
    staff_id: int,
    case_id: int,
    kind: str,
    reminder_id: int | None = None,
    referral_id: int | None = None,
) -> InboxItemRow:
    item = InboxItemRow(
        staff_id=staff_id,
        case_id=case_id,
        kind=kind,
        reminder_id=reminder_id,
        referral_id=referral_id,
        created_at=context.now,
    )
    context.session.add(item)
    context.session.flush()
    return item


def note_done(context: EffectContext, case_id: int, kind: str, data: dict[str, Any]) -> None:
    """Put what a worker did for a case on its timeline, with the task that did it."""
    case = context.session.get(CaseRow, case_id)
    assert case is not None
    note_activity(
        context.uow,
        case=case,
        kind=kind,
        actor=SYSTEM_ACTOR,
        now=context.now,
        data={**data, "task_id": context.task_id},
    )


def escalate_to(
    context: EffectContext,
    manager: StaffRow,
    *,
    template: str,
    values: Mapping[str, Any],
    key_parts: tuple[str | int, ...],
    case_id: int,
    kind: str,
    reminder_id: int | None = None,
    referral_id: int | None = None,
) -> str | None:
    """Tell a manager by mail (when they have an address) and in their inbox."""
    message_id = None
    if manager.email:
        message_id = send_mail(
            context,
            template=template,
            to=manager.email,
            language=manager.language,
            values=values,
            key_parts=key_parts,
        )
    add_inbox_item(
        context,
        staff_id=manager.id,
        case_id=case_id,
        kind=kind,
        reminder_id=reminder_id,
        referral_id=referral_id,
    )
    return message_id
