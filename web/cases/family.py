"""The family workflow's plug-in of the case pages: its part of the case file (family,
household, consent, assessments, service plan, counselling, income, referrals and
goods), the sections that show it, its forms and its intake (registering a family)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from web.cases import household, registration, service_routes
from web.cases.form_specs import CASE_FORMS
from web.shared.i18n import N_
from web.shared.permissions import Permission
from web.shared.plugins import Intake, WorkflowPlugin
from web.visits.specs import VISIT_FORMS, visits_file
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals as programme_referrals
from workflow.programme.assessment import AssessmentRow
from workflow.programme.counselling import CounsellingParticipantRow, CounsellingSessionRow
from workflow.programme.families import ConsentRow, FamilyRow, MemberRow
from workflow.programme.plans import DeliveryRow, IncomeSourceRow, PlannedServiceRow
from workflow.programme.shared.cases import FAMILY_WORKFLOW
from workflow.programme.shared.reference import reference
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime

SECTIONS = (
    "cases/family/family.html",
    "cases/family/assessment.html",
    "cases/family/plan.html",
    "visits/section.html",
    "cases/family/counselling.html",
    "cases/family/referrals.html",
    "cases/family/procurement.html",
)


def family_file(rt: Runtime, case_id: int) -> dict[str, Any]:
    """The family's part of the case file, as its sections and the API read it."""
    with rt.session_factory() as session:
        family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
        community = session.get(CommunityRow, family.community_id) if family else None
        members = (
            list(
                session.scalars(
                    select(MemberRow).where(MemberRow.family_id == family.id).order_by(MemberRow.id)
                )
            )
            if family
            else []
        )
        # A removed member is history: shown apart, out of the household and its counts.
        removed = [m for m in members if m.removed_at is not None]
        members = [m for m in members if m.removed_at is None]
        assessments = list(
            session.scalars(
                select(AssessmentRow)
                .where(AssessmentRow.case_id == case_id)
                .order_by(AssessmentRow.assessed_on.desc(), AssessmentRow.id.desc())
            )
        )
        plan = list(
            session.scalars(
                select(PlannedServiceRow)
                .where(PlannedServiceRow.case_id == case_id)
                .order_by(PlannedServiceRow.id)
            )
        )
        deliveries: dict[int, list[DeliveryRow]] = {}
        if plan:
            for delivery in session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.planned_service_id.in_([p.id for p in plan]))
                .order_by(DeliveryRow.delivered_on, DeliveryRow.id)
            ):
                deliveries.setdefault(delivery.planned_service_id, []).append(delivery)
        counselling = list(
            session.scalars(
                select(CounsellingSessionRow)
                .join(
                    CounsellingParticipantRow,
                    CounsellingParticipantRow.session_id == CounsellingSessionRow.id,
                )
                .where(CounsellingParticipantRow.case_id == case_id)
                .order_by(CounsellingSessionRow.held_on.desc(), CounsellingSessionRow.id.desc())
            )
        )
        consents = list(
            session.scalars(
                select(ConsentRow).where(ConsentRow.case_id == case_id).order_by(ConsentRow.id)
            )
        )
        incomes = list(
            session.scalars(
                select(IncomeSourceRow)
                .where(IncomeSourceRow.case_id == case_id)
                .order_by(IncomeSourceRow.id)
            )
        )
        staff_ids = {
            family.social_worker_id or 0 if family else 0,
            family.psychologist_id or 0 if family else 0,
            *(a.assessor_id for a in assessments),
            *(p.provider_staff_id or 0 for p in plan),
            *(c.psychologist_id for c in counselling),
        }
        staff_ids.discard(0)
        staff = (
            {
                row.id: row
                for row in session.scalars(select(StaffRow).where(StaffRow.id.in_(staff_ids)))
            }
            if staff_ids
            else {}
        )
        file: dict[str, Any] = {
            "family": family,
            "community": community,
            "members": members,
            "removed_members": removed,
            "consents": consents,
            "active_consent": any(c.withdrawn_on is None for c in consents),
            # What the consent on file covers, in the configured order (labels in both
            # languages); whether it is valid on a given day is the service layer's rule.
            "consent_purposes": [
                item
                for item in reference().consent_purposes
                if any(c.withdrawn_on is None and item.code in c.purposes for c in consents)
            ],
            "assessments": assessments,
            "plan": plan,
            "deliveries": deliveries,
            "counselling": counselling,
            "incomes": incomes,
            "staff": staff,
        }
        # The timeline's before and after name communities and purposes by their codes.
        file["change_labels"] = {
            "communities": {
                row.code: {"hy": row.name_hy, "en": row.name_en}
                for row in session.scalars(select(CommunityRow))
            },
            "purposes": {item.code: item.labels for item in reference().consent_purposes},
        }
        if family is not None:
            file["case"] = {"family_name": family.family_name}
    # One session at a time (see ``web.cases.casefile``).
    return {
        **file,
        "referrals": programme_referrals.list_referrals(rt, case_id=case_id),
        "procurement": programme_procurement.list_procurement(rt, case_id=case_id),
        "partners": programme_referrals.list_partners(rt),
        # Home visits, the plan's goals and reviews (web.visits).
        **visits_file(rt, case_id),
    }


def family_plugin() -> WorkflowPlugin:
    return WorkflowPlugin(
        workflow=FAMILY_WORKFLOW,
        title=N_("Family case"),
        load=family_file,
        sections=SECTIONS,
        forms={**CASE_FORMS, **VISIT_FORMS},
        intake=Intake("/families/new", N_("Register a family"), Permission.EDIT_CASES),
        routers=(registration.router, service_routes.router, household.router),
    )
