"""Partners and referrals, as the CLI and the web list them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

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


def list_referrals(
    rt: Runtime, *, case_id: int | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    query = select(ReferralRow, PartnerRow).join(PartnerRow).order_by(ReferralRow.id)
    if case_id is not None:
        query = query.where(ReferralRow.case_id == case_id)
    if status is not None:
        query = query.where(ReferralRow.status == status)
    with rt.session_factory() as session:
        return [
            {
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
            for r, p in session.execute(query)
        ]
