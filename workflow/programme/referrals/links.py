"""Links by which a partner answers a referral without an account.

The referral's mail carries ``/partners/referrals/<referral>/<token>``: a random token of
256 bits (``secrets``), of which only the SHA-256 is stored, one row per mailed link.
A token is good for the one referral it was issued for, until it expires
(``HOGATAR_REFERRAL_LINK_DAYS`` after it was mailed) or a staff member revokes it or
sends a new one (which revokes the old). Random tokens need no secret key, so the
workers that mail the links need none; guessing one is hopeless, so no rate limit.

Every opening of a link the partner got, every answer and every refused use (expired,
revoked, issued for another referral, not a link of this referral at all) goes on the
case timeline. The answers themselves go through ``respond_to_referral``, the service
the staff use, so the referral's rules about which answer may follow which are one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from workflow.activity import note_activity, require_actor
from workflow.clock import as_utc
from workflow.persistence.models import CaseRow, MailHandoverRow
from workflow.programme.families import FamilyRow
from workflow.programme.inbox import active_managers, staff_contact
from workflow.programme.referrals.commands import (
    AnswerReferralLink,
    OpenReferralLink,
    ReferralChanged,
    ResendReferralLink,
    RespondToReferral,
    RevokeReferralLinks,
)
from workflow.programme.referrals.errors import (
    ReferralAnsweredMeanwhile,
    ReferralLinkRefused,
    ReferralLinkResendRefused,
    ReferralNotFound,
)
from workflow.programme.referrals.models import PartnerRow, ReferralLinkRow, ReferralRow
from workflow.programme.referrals.services import (
    RESPONSES,
    allowed_responses,
    require_referral_consent,
    respond_to_referral,
)
from workflow.programme.staff import StaffRow
from workflow.runtime import Runtime
from workflow.services import enqueue_effect
from workflow.unit_of_work import UnitOfWork

#: What ``secrets.token_urlsafe(32)`` gives; anything else is refused before a lookup.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
#: Who answered, on the timeline: the partner, by its code, through its link.
PARTNER_ACTOR = "partner:"
#: response -> the status it leads to (a form sent again finds the referral there).
RESPONSE_STATUS = {response: status for response, (_, status) in RESPONSES.items()}
#: A new link can be mailed while the partner still has something to answer.
RESENDABLE = ("sent", "acknowledged", "accepted")
#: Why a link was refused; each is its own timeline entry ``referral_link_refused_<why>``
#: (and ``referral_link_refused_answered``: a form sent again after its answer was recorded).
EXPIRED, REVOKED, WRONG_REFERRAL, UNKNOWN = "expired", "revoked", "wrong_referral", "unknown"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def link_path(referral_id: int, token: str) -> str:
    return f"/partners/referrals/{referral_id}/{token}"


def link_url(base_url: str, referral_id: int, token: str) -> str:
    return base_url.rstrip("/") + link_path(referral_id, token)


def issue_link(
    rt: Runtime,
    uow: UnitOfWork,
    *,
    referral: ReferralRow,
    now: datetime,
    outbox_id: int | None = None,
) -> str:
    """A new link for REFERRAL; returns its token (which is not stored: put it in the mail).

    Issued by a mail's effect (OUTBOX_ID), the link is written in a short transaction of
    its own, as the mail's handover is (``workflow.notifications.handover``): if the
    effect's transaction fails after the server took the mail, the partner's link still
    works, and the retry (which sends no second mail) keeps it. A run of the effect
    whose mail did not go replaces the link it wrote before, which nobody received. On
    SQLite the effect's transaction holds the only write lock, so the link goes into it,
    together with the handover."""
    token = new_token()
    values = {
        "token_hash": token_hash(token),
        "referral_id": referral.id,
        "case_id": referral.case_id,
        "issued_at": now,
        "expires_at": now + timedelta(days=rt.settings.referral_link_days),
        "outbox_id": outbox_id,
    }
    if outbox_id is not None and rt.engine.dialect.name != "sqlite":
        table: Table = ReferralLinkRow.__table__  # type: ignore[assignment]
        replaced = {k: values[k] for k in ("token_hash", "issued_at", "expires_at")}
        with rt.engine.begin() as connection:
            connection.execute(
                pg_insert(table)
                .values(**values)
                .on_conflict_do_update(index_elements=["outbox_id"], set_=replaced)
            )
        return token
    uow.session.add(ReferralLinkRow(**values))
    uow.session.flush()
    return token


def mail_handed_over(uow: UnitOfWork, outbox_id: int) -> bool:
    """Did an earlier run of this effect hand its mail (and so its link) over already?"""
    found = uow.session.scalar(
        select(MailHandoverRow.message_id).where(MailHandoverRow.outbox_id == outbox_id).limit(1)
    )
    return found is not None


def revoke_links(uow: UnitOfWork, *, referral_id: int, now: datetime, actor: str) -> int:
    """Revoke the referral's links still working; how many were."""
    live = uow.session.scalars(
        select(ReferralLinkRow)
        .where(ReferralLinkRow.referral_id == referral_id, ReferralLinkRow.revoked_at.is_(None))
        .with_for_update()
    ).all()
    count = 0
    for link in live:
        if as_utc(link.expires_at) > now:
            count += 1
        link.revoked_at = now
        link.revoked_by = actor
    return count


@dataclass(frozen=True)
class PartnerView:
    """What the partner's page shows: what the referral's mail said, and no more."""

    referral_id: int
    case_id: int
    purpose: str
    status: str
    allowed_responses: list[str]
    language: str
    partner_name: str
    worker_name: str | None
    worker_phone: str
    worker_email: str
    expires_at: datetime
    decline_reason: str | None
    feedback: str | None


def _find(uow: UnitOfWork, token: str) -> ReferralLinkRow | None:
    if not TOKEN.match(token):
        return None
    wanted = token_hash(token)
    link = uow.session.scalar(
        select(ReferralLinkRow).where(ReferralLinkRow.token_hash == wanted).with_for_update()
    )
    # Found by its hash through the index; compared again in constant time all the same.
    if link is None or not hmac.compare_digest(link.token_hash, wanted):
        return None
    return link


def _language_of(uow: UnitOfWork, referral_id: int) -> str | None:
    return uow.session.scalar(
        select(PartnerRow.language)
        .join(ReferralRow, ReferralRow.partner_id == PartnerRow.id)
        .where(ReferralRow.id == referral_id)
    )


def _refuse(
    rt: Runtime, uow: UnitOfWork, *, why: str, referral_id: int, link: ReferralLinkRow | None
) -> ReferralLinkRefused:
    """Put the refused use on the timeline of the case it concerns, commit that (and
    nothing else), and return the error to raise."""
    about = link.referral_id if link is not None else referral_id
    referral = uow.session.get(ReferralRow, about)
    if referral is not None:
        case = uow.session.get(CaseRow, referral.case_id)
        assert case is not None
        data: dict[str, object] = {"referral_id": referral.id, "opened_as": referral_id}
        if link is not None:
            data["link_id"] = link.id
        note_activity(
            uow,
            case=case,
            kind=f"referral_link_refused_{why}",
            actor=_partner_actor(uow, referral),
            now=rt.clock.now(),
            data=data,
        )
        uow.commit()
    return ReferralLinkRefused(why, referral_id, language=_language_of(uow, about))


def _partner_actor(uow: UnitOfWork, referral: ReferralRow) -> str:
    partner = uow.session.get(PartnerRow, referral.partner_id)
    assert partner is not None
    return PARTNER_ACTOR + partner.code


def check_link(rt: Runtime, uow: UnitOfWork, referral_id: int, token: str) -> ReferralLinkRow:
    """The link, if it may be used now for this referral; else the refusal (audited)."""
    link = _find(uow, token)
    now = rt.clock.now()
    if link is None:
        raise _refuse(rt, uow, why=UNKNOWN, referral_id=referral_id, link=None)
    if link.referral_id != referral_id:
        raise _refuse(rt, uow, why=WRONG_REFERRAL, referral_id=referral_id, link=link)
    if link.revoked_at is not None:
        raise _refuse(rt, uow, why=REVOKED, referral_id=referral_id, link=link)
    if as_utc(link.expires_at) <= now:
        raise _refuse(rt, uow, why=EXPIRED, referral_id=referral_id, link=link)
    return link


def _view(
    rt: Runtime, uow: UnitOfWork, referral: ReferralRow, link: ReferralLinkRow
) -> PartnerView:
    partner = uow.session.get(PartnerRow, referral.partner_id)
    assert partner is not None
    # The worker the mail named: the family's social worker, else a manager.
    family = uow.session.scalar(select(FamilyRow).where(FamilyRow.case_id == referral.case_id))
    worker_id = family.social_worker_id if family is not None else None
    worker = uow.session.get(StaffRow, worker_id) if worker_id else None
    if worker is None or not worker.active:
        managers = active_managers(uow.session)
        worker = managers[0] if managers else None
    name, phone, email = staff_contact(rt.settings, worker)
    return PartnerView(
        referral_id=referral.id,
        case_id=referral.case_id,
        purpose=referral.purpose,
        status=referral.status,
        allowed_responses=allowed_responses(referral.status),
        language=partner.language,
        partner_name=partner.name_hy if partner.language == "hy" else partner.name_en,
        worker_name=name,
        worker_phone=phone,
        worker_email=email,
        expires_at=as_utc(link.expires_at),
        decline_reason=referral.decline_reason,
        feedback=referral.feedback,
    )


def open_referral_link(rt: Runtime, uow: UnitOfWork, command: OpenReferralLink) -> PartnerView:
    """The partner opens the link: its first opening goes on the timeline."""
    link = check_link(rt, uow, command.referral_id, command.token)
    referral = uow.session.get(ReferralRow, link.referral_id)
    if referral is None:
        raise ReferralNotFound(link.referral_id)
    if link.first_opened_at is None:
        now = rt.clock.now()
        link.first_opened_at = now
        case = uow.session.get(CaseRow, referral.case_id)
        assert case is not None
        note_activity(
            uow,
            case=case,
            kind="referral_link_opened",
            actor=_partner_actor(uow, referral),
            now=now,
            data={"referral_id": referral.id, "link_id": link.id},
        )
    view = _view(rt, uow, referral, link)
    uow.commit()
    return view


def answer_referral_link(
    rt: Runtime, uow: UnitOfWork, command: AnswerReferralLink
) -> ReferralChanged:
    """The partner's answer through its link, recorded by the staff's own service.

    The form says which status the partner saw; if the referral moved on since (the
    same answer sent again with Back, or another tab answered first), nothing is
    recorded and the refusal says what the referral is now."""
    link = check_link(rt, uow, command.referral_id, command.token)
    referral = uow.session.get(ReferralRow, link.referral_id, with_for_update=True)
    if referral is None:
        raise ReferralNotFound(link.referral_id)
    if command.seen_status is not None and referral.status != command.seen_status:
        case = uow.session.get(CaseRow, referral.case_id)
        assert case is not None
        note_activity(
            uow,
            case=case,
            kind="referral_link_refused_answered",
            actor=_partner_actor(uow, referral),
            now=rt.clock.now(),
            data={"referral_id": referral.id, "link_id": link.id, "response": command.response},
        )
        uow.commit()
        raise ReferralAnsweredMeanwhile(
            referral.id, seen=command.seen_status, now=referral.status, response=command.response
        )
    return respond_to_referral(
        rt,
        uow,
        RespondToReferral(
            referral_id=referral.id,
            response=command.response,
            actor=_partner_actor(uow, referral),
            reason=command.reason,
            feedback=command.feedback,
            link_id=link.id,
        ),
    )


def _referral_for_staff(uow: UnitOfWork, referral_id: int) -> tuple[ReferralRow, CaseRow]:
    referral = uow.session.get(ReferralRow, referral_id, with_for_update=True)
    if referral is None:
        raise ReferralNotFound(referral_id)
    case = uow.session.get(CaseRow, referral.case_id)
    assert case is not None
    return referral, case


def revoke_referral_links(rt: Runtime, uow: UnitOfWork, command: RevokeReferralLinks) -> int:
    """A staff member stops the referral's links: how many were still working."""
    actor = require_actor(command.actor)
    referral, case = _referral_for_staff(uow, command.referral_id)
    now = rt.clock.now()
    count = revoke_links(uow, referral_id=referral.id, now=now, actor=actor)
    note_activity(
        uow,
        case=case,
        kind="referral_link_revoked",
        actor=actor,
        now=now,
        data={"referral_id": referral.id, "links": count},
    )
    uow.commit()
    return count


def resend_referral_link(rt: Runtime, uow: UnitOfWork, command: ResendReferralLink) -> int:
    """Revoke the referral's links and mail the partner a new one (in the background);
    returns how many links were revoked."""
    actor = require_actor(command.actor)
    referral, case = _referral_for_staff(uow, command.referral_id)
    if referral.status not in RESENDABLE:
        raise ReferralLinkResendRefused(referral.id, referral.status)
    require_referral_consent(rt, uow, case)
    now = rt.clock.now()
    count = revoke_links(uow, referral_id=referral.id, now=now, actor=actor)
    enqueue_effect(
        rt,
        uow,
        case_id=case.id,
        event_id=None,
        effect="referrals.send_link",
        payload={"referral_id": referral.id},
        now=now,
    )
    note_activity(
        uow,
        case=case,
        kind="referral_link_resend_requested",
        actor=actor,
        now=now,
        data={"referral_id": referral.id, "links_revoked": count},
    )
    uow.commit()
    return count


def link_state(rt: Runtime, referral_id: int) -> dict[str, object]:
    """For the staff's referral page: the newest link, and whether it still works."""
    with rt.session_factory() as session:
        newest = session.scalar(
            select(ReferralLinkRow)
            .where(ReferralLinkRow.referral_id == referral_id)
            .order_by(ReferralLinkRow.id.desc())
            .limit(1)
        )
        if newest is None:
            return {"issued": False, "live": False}
        expires_at = as_utc(newest.expires_at)
        return {
            "issued": True,
            "live": newest.revoked_at is None and expires_at > rt.clock.now(),
            "issued_at": as_utc(newest.issued_at),
            "expires_at": expires_at,
            "revoked_at": as_utc(newest.revoked_at) if newest.revoked_at else None,
            "first_opened_at": as_utc(newest.first_opened_at) if newest.first_opened_at else None,
        }
