"""Bring foster-care cases to a given state through the real service layer, recording
what each transition's guards ask for just before firing it, as staff do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.programme_fixtures import SOCIAL_WORKER, ensure_staff, today
from workflow.commands import AdvanceCase
from workflow.persistence.models import CaseRow
from workflow.programme.foster_care import (
    RecordApplication,
    RecordCommissionDecision,
    RecordHomeAssessment,
    RecordMatch,
    RecordPlacement,
    RecordTraining,
    RegisterInquiry,
    foster_rules,
)
from workflow.runtime import Runtime
from workflow.services import handle

FOSTER_PATH = [
    "inquiry",
    "application",
    "home_assessment",
    "training",
    "approval",
    "matching",
    "placement",
    "monitoring",
]
TRIGGER_INTO = {
    "application": "apply",
    "home_assessment": "start_home_assessment",
    "training": "start_training",
    "approval": "submit_to_commission",
    "matching": "approve",
    "placement": "match",
    "monitoring": "place",
}


def inquire(rt: Runtime, *, actor: str = SOCIAL_WORKER, **kwargs: Any) -> int:
    ensure_staff(rt)
    values: dict[str, Any] = {
        "family_name": "Ղազարյան",
        "community": "hrazdan",
        "adults": 2,
        "phone": "+374 94 555111",
        "children_in_household": 1,
        "motivation": "Մեր երեխան մեծացել է, ուզում ենք օգնել մեկ այլ երեխայի",
    }
    values.update(kwargs)
    return int(handle(rt, RegisterInquiry(actor=actor, **values)).case_id)


def all_documents() -> tuple[str, ...]:
    return tuple(item.code for item in foster_rules().required_documents)


def all_modules() -> tuple[str, ...]:
    return tuple(item.code for item in foster_rules().modules)


def record_application(rt: Runtime, case_id: int, *, actor: str = SOCIAL_WORKER) -> None:
    handle(
        rt,
        RecordApplication(
            case_id=case_id,
            actor=actor,
            submitted_on=today(rt) - timedelta(days=60),
            documents=all_documents(),
        ),
    )


def record_home_assessment(
    rt: Runtime, case_id: int, *, actor: str = SOCIAL_WORKER, outcome: str = "recommended"
) -> None:
    handle(
        rt,
        RecordHomeAssessment(
            case_id=case_id,
            actor=actor,
            assessor=SOCIAL_WORKER,
            assessed_on=today(rt) - timedelta(days=45),
            outcome=outcome,
            recommendation="Տունը հարմար է, ընտանիքը պատրաստ է խնամել 3-8 տարեկան երեխայի",
        ),
    )


def record_training(rt: Runtime, case_id: int, *, actor: str = SOCIAL_WORKER) -> None:
    modules = all_modules()
    for offset, part in ((30, modules[:3]), (20, modules[3:])):
        handle(
            rt,
            RecordTraining(
                case_id=case_id,
                actor=actor,
                held_on=today(rt) - timedelta(days=offset),
                modules=part,
                trainer="Լիլիթ Գրիգորյան",
            ),
        )


def record_approval(rt: Runtime, case_id: int, *, actor: str = SOCIAL_WORKER) -> None:
    handle(
        rt,
        RecordCommissionDecision(
            case_id=case_id,
            actor=actor,
            approved=True,
            decision_number="ԽՀՀ-2026/14",
            decided_on=today(rt) - timedelta(days=10),
        ),
    )


def record_match(rt: Runtime, case_id: int, *, actor: str = SOCIAL_WORKER) -> None:
    handle(
        rt,
        RecordMatch(
            case_id=case_id,
            actor=actor,
            child_reference="KOT-2026-031",
            child_initials="Ա.Հ.",
            child_age=6,
            matched_on=today(rt) - timedelta(days=5),
        ),
    )


def record_placement(rt: Runtime, case_id: int, *, actor: str = SOCIAL_WORKER) -> None:
    handle(rt, RecordPlacement(case_id=case_id, actor=actor, placed_on=today(rt)))


PREPARE = {
    "apply": record_application,
    "start_training": record_home_assessment,
    "submit_to_commission": record_training,
    "approve": record_approval,
    "match": record_match,
    "place": record_placement,
}


def bring_foster_to(rt: Runtime, case_id: int, state: str, *, actor: str = SOCIAL_WORKER) -> None:
    """Advance a case along the main path from where it is until it is in ``state``."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        assert case is not None
        current = case.state
    for target in FOSTER_PATH[FOSTER_PATH.index(current) + 1 : FOSTER_PATH.index(state) + 1]:
        trigger = TRIGGER_INTO[target]
        step = PREPARE.get(trigger)
        if step is not None:
            step(rt, case_id, actor=actor)
        handle(rt, AdvanceCase(case_id=case_id, trigger=trigger, actor=actor))


def foster_case_in(rt: Runtime, state: str, **kwargs: Any) -> int:
    case_id = inquire(rt, **kwargs)
    bring_foster_to(rt, case_id, state)
    return case_id
