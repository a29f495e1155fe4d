"""What the family workflow's guards need to know about a case, read in the transition's
own transaction and handed to them as plain data (so the guards stay pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.guards import CaseSnapshot
from workflow.programme.assessment import AssessmentRow
from workflow.programme.families import ConsentRow, FamilyRow
from workflow.programme.plans import IncomeSourceRow, PlannedServiceRow
from workflow.programme.shared.reference import Reference, codes

#: Planned services that count towards "a service plan with at least one service".
LIVE_STATUSES = ("planned", "in_progress", "delivered")


def rules_of(ref: Reference) -> dict[str, Any]:
    """The configurable part of the guards (config/programme), as plain data."""
    return {
        "min_additional": ref.min_additional,
        "additional_criteria": codes(ref.additional_criteria),
        "training_service": ref.training_service,
        "tools_service": ref.tools_service,
        "closure_reasons": {
            item.code: bool(item.extra.get("text")) for item in ref.closure_reasons
        },
        "income_kinds": codes(ref.income_kinds),
    }


def make_facts_loader(ref: Reference) -> Any:
    rules = rules_of(ref)

    def load_family_facts(session: Session, case: CaseSnapshot) -> Mapping[str, Any]:
        latest = session.scalar(
            select(AssessmentRow)
            .where(AssessmentRow.case_id == case.id)
            .order_by(AssessmentRow.assessed_on.desc(), AssessmentRow.id.desc())
            .limit(1)
        )
        assessments = session.scalar(
            select(func.count()).select_from(AssessmentRow).where(AssessmentRow.case_id == case.id)
        )
        # Enrolment needs consent to take part; consent to referrals alone is not that.
        consents = sum(
            1
            for purposes in session.scalars(
                select(ConsentRow.purposes).where(
                    ConsentRow.case_id == case.id, ConsentRow.withdrawn_on.is_(None)
                )
            )
            if "participation" in (purposes or ())
        )
        services = session.execute(
            select(PlannedServiceRow.service, PlannedServiceRow.status).where(
                PlannedServiceRow.case_id == case.id
            )
        ).all()
        family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case.id))
        incomes = session.execute(
            select(IncomeSourceRow.kind, IncomeSourceRow.started_on).where(
                IncomeSourceRow.case_id == case.id
            )
        ).all()
        return {
            "family_registered": family is not None,
            "assessments": int(assessments or 0),
            "latest_assessment": None
            if latest is None
            else {
                "risk_of_abandonment": latest.risk_of_abandonment,
                "criteria": list(latest.criteria),
            },
            "consent_on_file": bool(consents),
            "planned_services": sum(1 for _, status in services if status in LIVE_STATUSES),
            "delivered_services": sorted({s for s, status in services if status == "delivered"}),
            "social_worker_assigned": family is not None and family.social_worker_id is not None,
            "income_sources": [
                {"kind": kind, "started_on": started.isoformat() if started else None}
                for kind, started in incomes
            ],
            "rules": rules,
        }

    return load_family_facts
