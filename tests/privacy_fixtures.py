"""A family case with something in every part of its file (members, consent, assessment,
plan with a costed delivery, income, counselling, a referral), closed, for the tests of
retention and subject access on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from tests.programme_fixtures import PSYCHOLOGIST, case_in, today
from web.reports import reporting
from workflow.commands import AdvanceCase, ApprovalRequested, DecideApproval
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import MemberInput
from workflow.programme.plans import DeliverService, PlannedServiceRow
from workflow.programme.referrals import CreateReferral
from workflow.programme.staff import AddStaff, StaffRow
from workflow.runtime import Runtime
from workflow.services import handle

PARTNER = "kotayk_iss_hrazdan"
MANAGER = "mgr-privacy"
HEALTH_NOTE = "Երեխան ասթմա ունի"
SESSION_NOTE = "Մայրը պատմեց ընտանեկան կոնֆլիկտի մասին"
PURPOSE = "Սոցիալական աջակցություն Սարգսյանների ընտանիքին"


def full_case(rt: Runtime, **family: Any) -> int:
    """A stabilised family case with a costed delivery, a session and a referral."""
    name = family.setdefault("family_name", "Սարգսյան")
    family.setdefault(
        "members",
        (
            MemberInput(role="mother", full_name=f"Անի {name}", date_of_birth=date(1990, 4, 2)),
            MemberInput(
                role="child",
                full_name=f"Նարե {name}",
                date_of_birth=date(2016, 9, 1),
                disability=True,
                health_notes=HEALTH_NOTE,
            ),
        ),
    )
    family.setdefault("address", "Հրազդան, Կենտրոն, 5-րդ փողոց 12")
    case_id = case_in(rt, "economically_stabilised", **family)
    with rt.session_factory() as session:
        planned = session.scalars(
            select(PlannedServiceRow.id).where(PlannedServiceRow.case_id == case_id)
        ).first()
    assert planned is not None
    handle(
        rt,
        DeliverService(
            planned_service_id=planned,
            actor="worker-1",
            delivered_on=today(rt),
            cost_amd=15_000,
            notes="Տրվեց Նարեին դպրոցի համար",
        ),
    )
    handle(
        rt,
        RecordCounselling(
            kind="individual",
            case_ids=(case_id,),
            psychologist=PSYCHOLOGIST,
            held_on=today(rt) - timedelta(days=1),
            actor="worker-1",
            notes=SESSION_NOTE,
        ),
    )
    handle(rt, CreateReferral(case_id=case_id, partner=PARTNER, purpose=PURPOSE, actor="worker-1"))
    return case_id


def _manager(rt: Runtime) -> str:
    with rt.session_factory() as session:
        found = session.scalar(select(StaffRow.id).where(StaffRow.username == MANAGER))
    if found is None:
        handle(
            rt,
            AddStaff(
                username=MANAGER, full_name="Լուսինե Հովհաննիսյան", role="manager", actor="admin"
            ),
        )
    return MANAGER


def close(rt: Runtime, case_id: int, *, reason: str = "Ընտանիքը տեղափոխվեց Երևան") -> None:
    """Close as staff do, with free text in the reason and the data; where closing needs
    a manager's approval, the manager approves it."""
    closing = handle(
        rt,
        AdvanceCase(
            case_id=case_id,
            trigger="close",
            actor="worker-1",
            reason=reason,
            data={"closure_reason": "moved_away", "note": "Նոր հասցե՝ Երևան, Արաբկիր"},
        ),
    )
    if isinstance(closing, ApprovalRequested):
        decided = handle(
            rt,
            DecideApproval(
                approval_id=closing.approval_id,
                decision="approve",
                actor=_manager(rt),
                reason="Համաձայն եմ, ընտանիքը տեղափոխվել է",
            ),
        )
        assert decided.advanced is not None, decided


def report_totals(rt: Runtime) -> dict[str, Any]:
    """Every figure of the reports page and its CSVs."""
    return {
        "states": reporting.states(rt),
        "communities": reporting.communities(rt),
        "state_by_community": reporting.state_by_community(rt),
        "criteria": reporting.criteria(rt),
        "services": reporting.services_delivered(rt),
    }
