"""Bring family cases to a given state through the real service layer, so tests of the
engine meet the programme's guards the way staff do: assessment, consent, plan, ..."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from workflow.clock import local_day
from workflow.commands import AdvanceCase, ApprovalRequested, CaseAdvanced, DecideApproval
from workflow.programme.assessment import RecordAssessment
from workflow.programme.families import (
    AssignCase,
    ConsentInput,
    FamilyInput,
    FamilyRow,
    MemberInput,
    MemberRow,
    RecordConsent,
    RegisterFamily,
)
from workflow.programme.plans import PlanService, RecordIncome
from workflow.programme.staff import AddStaff, SetStaffCommunities, StaffRow
from workflow.runtime import Runtime
from workflow.services import handle

PATH = ["referred", "assessed", "enrolled", "receiving_services", "economically_stabilised"]
#: Close needs a reason from the configured list (config/programme/lists.toml).
CLOSE = {"closure_reason": "moved_away"}
SOCIAL_WORKER = "sw-anahit"
PSYCHOLOGIST = "psy-gohar"
#: Approves closures (added by ``ensure_manager`` when a test first closes a case).
MANAGER = "mgr-closing"


#: A second social worker, who shares a community with the first (``with_colleague``).
COLLEAGUE = "sw-colleague"


def with_colleague(rt: Runtime, community: str = "hrazdan") -> None:
    """The social worker and a colleague, the social worker working in ``community``:
    under the default scope they read the colleague's open cases there, and change only
    their own."""
    ensure_staff(rt)
    handle(
        rt,
        AddStaff(
            username=COLLEAGUE, full_name="Կարեն Հարությունյան", role="social_worker", actor="t"
        ),
    )
    handle(rt, SetStaffCommunities(username=SOCIAL_WORKER, communities=(community,), actor="t"))


def today(rt: Runtime) -> date:
    return local_day(rt.clock.now())


def ensure_staff(rt: Runtime) -> None:
    """A social worker and a psychologist to assign and assess with."""
    with rt.session_factory() as session:
        existing = set(session.scalars(select(StaffRow.username)))
    for username, full_name, role in (
        (SOCIAL_WORKER, "Անահիտ Մարտիրոսյան", "social_worker"),
        (PSYCHOLOGIST, "Գոհար Սահակյան", "psychologist"),
    ):
        if username not in existing:
            handle(rt, AddStaff(username=username, full_name=full_name, role=role, actor="admin"))


def family(
    *,
    family_name: str = "Սարգսյան",
    community: str = "hrazdan",
    phone: str | None = "+374 91 123456",
    members: tuple[MemberInput, ...] | None = None,
    consent: ConsentInput | None = None,
    **extra: Any,
) -> FamilyInput:
    if members is None:
        members = (
            MemberInput(
                role="mother", full_name=f"Անի {family_name}", date_of_birth=date(1990, 4, 2)
            ),
            MemberInput(
                role="child", full_name=f"Նարե {family_name}", date_of_birth=date(2016, 9, 1)
            ),
        )
    return FamilyInput(
        family_name=family_name,
        community=community,
        phone=phone,
        members=members,
        consent=consent,
        **extra,
    )


def register(
    rt: Runtime, *, actor: str = SOCIAL_WORKER, confirm: bool = False, **kwargs: Any
) -> int:
    """Register a family; by default the social worker registers it and so is assigned
    to it, as in the programme (scoped access: the case is theirs)."""
    if actor == SOCIAL_WORKER:
        ensure_staff(rt)
    event = handle(
        rt, RegisterFamily(actor=actor, family=family(**kwargs), confirm_duplicate=confirm)
    )
    return int(event.case_id)


def assess(rt: Runtime, case_id: int, *, actor: str = "worker-1", **kwargs: Any) -> None:
    ensure_staff(rt)
    values: dict[str, Any] = {
        "assessor": SOCIAL_WORKER,
        "assessed_on": today(rt) - timedelta(days=3),
        "risk_of_abandonment": True,
        "risk_description": "Մայրը մտածում է երեխային հանձնել խնամքի հաստատություն",
        "criteria": ("extreme_poverty", "single_parent"),
    }
    values.update(kwargs)
    handle(rt, RecordAssessment(case_id=case_id, actor=actor, **values))


def first_member(rt: Runtime, case_id: int) -> int:
    """The id of the case's first household member (the one who signs for the family)."""
    with rt.session_factory() as session:
        member = session.scalar(
            select(MemberRow.id)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(FamilyRow.case_id == case_id)
            .order_by(MemberRow.id)
            .limit(1)
        )
    assert member is not None, f"case {case_id} has no household"
    return int(member)


def consent(
    rt: Runtime,
    case_id: int,
    *,
    actor: str = "worker-1",
    purposes: tuple[str, ...] = ("participation", "referral"),
) -> None:
    """The family's consent to take part and to be referred (enrolment refers it)."""
    handle(
        rt,
        RecordConsent(
            case_id=case_id,
            actor=actor,
            consent=ConsentInput(
                purposes=purposes,
                given_on=today(rt) - timedelta(days=2),
                given_by_member_id=first_member(rt, case_id),
                note="Մասնակցություն ծրագրին և տվյալների մշակում",
            ),
        ),
    )


def plan_and_assign(rt: Runtime, case_id: int, *, actor: str = "worker-1") -> None:
    ensure_staff(rt)
    handle(rt, AssignCase(case_id=case_id, actor=actor, social_worker=SOCIAL_WORKER))
    handle(
        rt,
        PlanService(
            case_id=case_id,
            actor=actor,
            service="school_supplies",
            target_date=today(rt) + timedelta(days=20),
            provider_staff=SOCIAL_WORKER,
        ),
    )


def assign_psychologist(rt: Runtime, case_id: int, psychologist: str = PSYCHOLOGIST) -> None:
    """The psychologist counsels the family: the case is theirs to read (scoped access)."""
    ensure_staff(rt)
    handle(rt, AssignCase(case_id=case_id, actor="admin", psychologist=psychologist))


def income(rt: Runtime, case_id: int, *, actor: str = "worker-1") -> None:
    handle(
        rt,
        RecordIncome(
            case_id=case_id,
            actor=actor,
            kind="self_employment",
            started_on=today(rt) - timedelta(days=1),
            description="Կարի արհեստանոց տանը",
            monthly_amount_amd=90_000,
        ),
    )


#: What the guards of each transition need, recorded just before firing it.
PREPARE = {
    "assess": assess,
    "enrol": consent,
    "start_services": plan_and_assign,
    "stabilise": income,
}
TRIGGER_INTO = {
    "assessed": "assess",
    "enrolled": "enrol",
    "receiving_services": "start_services",
    "economically_stabilised": "stabilise",
}


def prepare(rt: Runtime, case_id: int, trigger: str, *, actor: str = "worker-1") -> None:
    """Record what ``trigger``'s guards require, without firing it."""
    step = PREPARE.get(trigger)
    if step is not None:
        step(rt, case_id, actor=actor)


def ensure_manager(rt: Runtime) -> str:
    """A manager to approve what needs approval (closing a case), added when first needed."""
    with rt.session_factory() as session:
        exists = session.scalar(select(StaffRow.id).where(StaffRow.username == MANAGER))
    if exists is None:
        handle(
            rt,
            AddStaff(
                username=MANAGER, full_name="Լուսինե Հովհաննիսյան", role="manager", actor="admin"
            ),
        )
    return MANAGER


def close_case(
    rt: Runtime,
    case_id: int,
    *,
    actor: str = "worker-1",
    reason: str | None = "test",
    data: dict[str, Any] | None = None,
    approver: str | None = None,
) -> CaseAdvanced:
    """Close a case as staff do: the worker requests it, a manager approves it."""
    requested = handle(
        rt,
        AdvanceCase(
            case_id=case_id, trigger="close", actor=actor, reason=reason, data=data or CLOSE
        ),
    )
    assert isinstance(requested, ApprovalRequested), requested
    decided = handle(
        rt,
        DecideApproval(
            approval_id=requested.approval_id,
            decision="approve",
            actor=approver or ensure_manager(rt),
        ),
    )
    assert decided.advanced is not None, decided
    return decided.advanced


def bring_to(rt: Runtime, case_id: int, state: str, *, actor: str = "worker-1") -> None:
    """Advance a referred case along the main path until it is in ``state``."""
    if state == "closed":
        close_case(rt, case_id, actor=actor)
        return
    for target in PATH[1 : PATH.index(state) + 1]:
        trigger = TRIGGER_INTO[target]
        prepare(rt, case_id, trigger, actor=actor)
        handle(rt, AdvanceCase(case_id=case_id, trigger=trigger, actor=actor))


def case_in(rt: Runtime, state: str, **kwargs: Any) -> int:
    case_id = register(rt, **kwargs)
    bring_to(rt, case_id, state)
    return case_id
