"""Partners and referrals, as the CLI and the web list them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from workflow.programme.families import of_families
from workflow.programme.referrals.models import PartnerRow, ReferralRow
from workflow.programme.referrals.services import allowed_responses
from workflow.programme.shared.values import iso_at
from workflow.runtime import Runtime


def list_partners(rt: Runtime) -> list[dict[str, Any]]:
    with rt.session_factory() as session:
        return [
            {
                "code": p.code,
                "type": p.type,
                "name_hy": p.name_hy,
                "name_en": p.name_en,
                "email": p.email,
                "language": p.language,
                "active": p.active,
            }
            for p in session.scalars(select(PartnerRow).order_by(PartnerRow.code))
        ]


@dataclass(frozen=True)
class ReferralFilter:
    """What the referrals board and the API filter by; None: any."""

    case_id: int | None = None
    status: str | None = None
    partner: str | None = None
    community_id: int | None = None
    #: The family's social worker or psychologist.
    worker_id: int | None = None
    created_from: datetime | None = None
    #: Created before this moment (the start of the day after the period).
    created_until: datetime | None = None


def list_referrals(
    rt: Runtime, *, case_id: int | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    query = select(ReferralRow, PartnerRow).join(PartnerRow).order_by(ReferralRow.id)
    if case_id is not None:
        query = query.where(ReferralRow.case_id == case_id)
    if status is not None:
        query = query.where(ReferralRow.status == status)
    with rt.session_factory() as session:
        return [_as_dict(r, p) for r, p in session.execute(query)]


def referral_page(
    rt: Runtime, wanted: ReferralFilter, *, limit: int, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """One page of the referrals ``wanted``, newest first, and how many there are."""
    query = _filtered(select(ReferralRow, PartnerRow).join(PartnerRow), wanted)
    counted = _filtered(select(func.count()).select_from(ReferralRow).join(PartnerRow), wanted)
    page = query.order_by(ReferralRow.id.desc()).limit(limit).offset(offset)
    with rt.session_factory() as session:
        total = int(session.scalar(counted) or 0)
        return [_as_dict(r, p) for r, p in session.execute(page)], total


def referral_counts(rt: Runtime, wanted: ReferralFilter) -> dict[str, int]:
    """Status -> how many referrals ``wanted`` has in it, whatever its own status filter."""
    query = _filtered(
        select(ReferralRow.status, func.count()).select_from(ReferralRow).join(PartnerRow),
        replace(wanted, status=None),
    ).group_by(ReferralRow.status)
    with rt.session_factory() as session:
        return {status: int(n) for status, n in session.execute(query)}


def _filtered(query: Any, wanted: ReferralFilter) -> Any:
    if wanted.case_id is not None:
        query = query.where(ReferralRow.case_id == wanted.case_id)
    if wanted.status is not None:
        query = query.where(ReferralRow.status == wanted.status)
    if wanted.partner is not None:
        query = query.where(PartnerRow.code == wanted.partner)
    if wanted.created_from is not None:
        query = query.where(ReferralRow.created_at >= wanted.created_from)
    if wanted.created_until is not None:
        query = query.where(ReferralRow.created_at < wanted.created_until)
    return of_families(
        query, ReferralRow.case_id, community_id=wanted.community_id, worker_id=wanted.worker_id
    )


def _as_dict(r: ReferralRow, p: PartnerRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "case_id": r.case_id,
        "partner": p.code,
        "partner_name_hy": p.name_hy,
        "partner_name_en": p.name_en,
        "purpose": r.purpose,
        "status": r.status,
        "allowed_responses": allowed_responses(r.status),
        "created_by": r.created_by,
        "created_at": iso_at(r.created_at),
        "sent_at": iso_at(r.sent_at),
        "acknowledged_at": iso_at(r.acknowledged_at),
        "answered_at": iso_at(r.answered_at),
        "decline_reason": r.decline_reason,
        "completed_at": iso_at(r.completed_at),
        "feedback": r.feedback,
        "partner_reminded_at": iso_at(r.partner_reminded_at),
        "escalated_at": iso_at(r.escalated_at),
    }
