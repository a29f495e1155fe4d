"""One demonstration family's story, told through the same commands staff use."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from workflow.commands import AdvanceCase, ApprovalRequested, DecideApproval
from workflow.persistence.models import CaseRow
from workflow.programme.assessment import RecordAssessment
from workflow.programme.counselling import RecordCounselling
from workflow.programme.demo.people import (
    CRITERIA,
    MEN,
    PARTNERS,
    PSYCHOLOGISTS,
    SOCIAL_WORKERS,
    STREETS,
    SURNAMES,
    WOMEN,
)
from workflow.programme.families import (
    AssignCase,
    ConsentInput,
    FamilyInput,
    FamilyRow,
    MemberInput,
    MemberRow,
    RecordConsent,
    RegisterFamily,
    WithdrawConsent,
)
from workflow.programme.plans import DeliverService, PlanService, RecordIncome, StartService
from workflow.runtime import Runtime
from workflow.services import handle


class StoryClock:
    """The seed's clock: set to each step's moment, never later than the real now."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def now(self) -> datetime:
        return self.moment


#: The demo's manager, who approves what needs approval (closing a case).
MANAGER = "lusine.h"


@dataclass
class Story:
    """One family's way through the programme, told step by step."""

    rt: Runtime
    clock: StoryClock
    rng: random.Random
    start: datetime
    case_id: int = 0
    day: int = 0

    def at(self, days_later: int) -> date:
        self.day += days_later
        real_now = datetime.now(UTC)
        self.clock.moment = min(self.start + timedelta(days=self.day), real_now)
        return self.clock.moment.date()

    def do(self, command: Any, days_later: int = 0) -> Any:
        self.at(days_later)
        return handle(self.rt, command)

    def advance(self, trigger: str, days_later: int = 1, **kwargs: Any) -> None:
        worker = self.rng.choice(SOCIAL_WORKERS)
        done = self.do(
            AdvanceCase(case_id=self.case_id, trigger=trigger, actor=worker, **kwargs), days_later
        )
        if isinstance(done, ApprovalRequested):
            # Closing is requested by the worker; the demo manager approves it next day.
            self.do(
                DecideApproval(approval_id=done.approval_id, decision="approve", actor=MANAGER),
                1,
            )


def _first_member(story: Story) -> int:
    """The household member who signs the family's consent (the first registered)."""
    with story.rt.session_factory() as session:
        member = session.scalar(
            select(MemberRow.id)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(FamilyRow.case_id == story.case_id)
            .order_by(MemberRow.id)
            .limit(1)
        )
    assert member is not None  # every demo family has a household
    return int(member)


def _person(rng: random.Random, women: bool) -> str:
    return rng.choice(WOMEN if women else MEN)


def _family(story: Story, community: str, number: int) -> FamilyInput:
    rng = story.rng
    surname = rng.choice(SURNAMES)
    today = story.at(0)
    members = [
        MemberInput(
            "mother",
            f"{_person(rng, True)} {surname}",
            date_of_birth=date(rng.randint(1978, 2000), rng.randint(1, 12), rng.randint(1, 28)),
        )
    ]
    single = rng.random() < 0.35
    if not single:
        members.append(
            MemberInput(
                "father",
                f"{_person(rng, False)} {surname}",
                date_of_birth=date(rng.randint(1972, 1998), rng.randint(1, 12), rng.randint(1, 28)),
                disability=rng.random() < 0.1,
            )
        )
    for _ in range(rng.randint(1, 4)):
        born = today - timedelta(days=rng.randint(300, 16 * 365))
        sick = rng.random() < 0.2
        members.append(
            MemberInput(
                "child",
                f"{_person(rng, rng.random() < 0.5)} {surname}",
                date_of_birth=born,
                disability=rng.random() < 0.08,
                health_notes="Ասթմա, պարբերական բուժում" if sick else None,
            )
        )
    partner_type, partner_name = rng.choice(PARTNERS)
    return FamilyInput(
        family_name=surname,
        community=community,
        members=tuple(members),
        address=f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
        phone=f"+374 9{rng.randint(1, 9)} {100000 + number * 7919 % 900000:06d}",
        referral_partner_type=partner_type,
        referral_partner_name=partner_name,
        state_benefit=rng.random() < 0.55,
    )


def tell(story: Story, ending: str, community: str, number: int) -> None:
    rng = story.rng
    worker = rng.choice(SOCIAL_WORKERS)
    family = _family(story, community, number)
    story.case_id = story.do(
        RegisterFamily(actor=worker, family=family, confirm_duplicate=True)
    ).case_id
    if ending == "referred":
        return
    eligible = ending != "not_eligible"
    story.do(
        RecordAssessment(
            case_id=story.case_id,
            actor=worker,
            assessor=worker,
            assessed_on=story.at(rng.randint(3, 10)),
            risk_of_abandonment=eligible,
            risk_description="Ծնողները դիտարկում են երեխային մանկատուն հանձնելու տարբերակը"
            if eligible
            else None,
            criteria=tuple(rng.sample(CRITERIA, rng.randint(1, 3))) if eligible else (),
            notes="Տնային այց, զրույց ծնողների հետ",
        )
    )
    story.advance("assess")
    if ending in ("assessed", "not_eligible"):
        if ending == "not_eligible":
            story.advance(
                "close",
                rng.randint(2, 6),
                reason="Մանկալքության վտանգ չի հայտնաբերվել",
                data={"closure_reason": "not_eligible"},
            )
        return
    story.do(
        RecordConsent(
            case_id=story.case_id,
            actor=worker,
            # Participation and referral: enrolment refers the family to partners.
            consent=ConsentInput(
                purposes=("participation", "referral", "data_sharing"),
                given_on=story.at(rng.randint(1, 5)),
                given_by_member_id=_first_member(story),
                note="Մասնակցություն ծրագրին և անձնական տվյալների մշակում",
            ),
        )
    )
    story.advance("enrol")
    if ending == "consent_withdrawn" and rng.random() < 0.5:
        story.do(
            WithdrawConsent(
                case_id=story.case_id,
                actor=worker,
                withdrawn_on=story.at(9),
                reason="Ընտանիքը հրաժարվեց մասնակցությունից",
            )
        )
        return
    if ending == "enrolled":
        return
    _services(story, worker)
    if ending == "consent_withdrawn":
        story.do(
            WithdrawConsent(
                case_id=story.case_id,
                actor=worker,
                withdrawn_on=story.at(20),
                reason="Ընտանիքը տեղափոխվում է բարեկամների մոտ",
            )
        )
        return
    if ending in ("moved_away", "child_placed_in_care"):
        why = {
            "moved_away": "Ընտանիքը տեղափոխվեց Երևան",
            "child_placed_in_care": "Երեխան տեղավորվեց խնամքի հաստատությունում",
        }[ending]
        story.advance("close", rng.randint(20, 60), reason=why, data={"closure_reason": ending})
        return
    if ending == "receiving_services":
        return
    _stabilisation(story, worker)
    story.advance("stabilise", rng.randint(3, 10))
    if ending in ("stabilised", "reopened"):
        story.advance(
            "close",
            rng.randint(30, 90),
            reason="Ընտանիքը ունի կայուն եկամուտ",
            data={"closure_reason": "stabilised"},
        )
    if ending == "reopened":
        story.advance(
            "reopen", rng.randint(10, 40), reason="Ծնողը կորցրեց աշխատանքը, ընտանիքը կրկին դիմեց"
        )


def _plan(story: Story, worker: str, service: str, **kwargs: Any) -> int:
    kwargs.setdefault("provider_staff", worker)
    return int(
        story.do(
            PlanService(
                case_id=story.case_id,
                actor=worker,
                service=service,
                target_date=story.at(1) + timedelta(days=30),
                **kwargs,
            )
        ).record_id
    )


def _services(story: Story, worker: str) -> None:
    rng = story.rng
    psychologist = rng.choice(PSYCHOLOGISTS)
    story.do(
        AssignCase(
            case_id=story.case_id, actor="lusine.h", social_worker=worker, psychologist=psychologist
        )
    )
    options: list[tuple[str, dict[str, Any], int]] = [
        ("school_supplies", {}, rng.randrange(25_000, 60_000, 500)),
        ("clubs", {"provider_partner": "Համայնքի մշակույթի տուն"}, 0),
        ("preschool_fee", {}, rng.randrange(8_000, 15_000, 1000)),
        ("parenting_course", {}, 0),
        ("medicines", {}, rng.randrange(5_000, 40_000, 500)),
        ("rights_counselling", {}, 0),
    ]
    chosen = rng.sample(options, rng.randint(2, 4))
    if rng.random() < 0.1:
        chosen.append(
            (
                "surgery_treatment",
                {
                    "provider_partner": "Հրազդանի բժշկական կենտրոն",
                    "funder": "«Առողջ սերունդ» հիմնադրամ",
                    "funded_amount_amd": rng.randrange(300_000, 1_500_000, 10_000),
                },
                0,
            )
        )
    planned = [(_plan(story, worker, service, **extra), cost) for service, extra, cost in chosen]
    # Every family here meets the psychologist, so the plan holds that counselling and
    # the session below counts as its delivery (the plan and the reports agree).
    _plan(story, worker, "individual_counselling", provider_staff=psychologist)
    story.advance("start_services", rng.randint(2, 8))
    for planned_id, cost in planned:
        step = rng.random()
        if step < 0.25:
            continue
        story.do(StartService(planned_service_id=planned_id, actor="narek.v"), rng.randint(1, 5))
        if step < 0.45:
            continue
        story.do(
            DeliverService(
                planned_service_id=planned_id,
                actor=worker,
                delivered_on=story.at(rng.randint(2, 15)),
                quantity=rng.randint(1, 3),
                cost_amd=cost,
                notes="Հանձնվել է ընտանիքին",
            )
        )
    story.do(
        RecordCounselling(
            kind="individual",
            case_ids=(story.case_id,),
            psychologist=psychologist,
            held_on=story.at(rng.randint(2, 10)),
            actor=psychologist,
            follow_up_needed=rng.random() < 0.4,
            notes="Ծնողի սթրեսի կառավարում",
        )
    )


def _stabilisation(story: Story, worker: str) -> None:
    rng = story.rng
    if rng.random() < 0.5:
        training = _plan(
            story,
            worker,
            "vocational_training",
            provider_partner="Հրազդանի պետական քոլեջ",
            notes=rng.choice(("Վարսահարդարում", "Դերձակություն", "Եռակցում")),
        )
        tools = _plan(story, worker, "tools_equipment", provider_staff="narek.v")
        for planned_id, cost in ((training, 0), (tools, rng.randrange(150_000, 400_000, 5_000))):
            story.do(
                DeliverService(
                    planned_service_id=planned_id,
                    actor=worker,
                    delivered_on=story.at(rng.randint(20, 45)),
                    cost_amd=cost,
                )
            )
    else:
        story.do(
            RecordIncome(
                case_id=story.case_id,
                actor=worker,
                kind=rng.choice(("employment", "self_employment")),
                started_on=story.at(rng.randint(20, 60)),
                description=rng.choice(
                    ("Աշխատանք ջերմոցում", "Փոքր խանութ", "Բանվոր շինարարությունում")
                ),
                monthly_amount_amd=rng.randrange(80_000, 180_000, 5_000),
            )
        )


def group_sessions(rt: Runtime, clock: StoryClock, rng: random.Random) -> None:
    """A few group sessions, each linking several families that are receiving services."""
    with rt.session_factory() as session:
        receiving = list(
            session.scalars(
                select(CaseRow.id).where(CaseRow.state == "receiving_services").order_by(CaseRow.id)
            )
        )
    clock.moment = datetime.now(UTC) - timedelta(days=3)
    for number in range(0, min(len(receiving), 15), 5):
        group = tuple(receiving[number : number + 5])
        if len(group) >= 2:
            handle(
                rt,
                RecordCounselling(
                    kind="group",
                    case_ids=group,
                    psychologist=PSYCHOLOGISTS[number % 2],
                    held_on=clock.moment.date(),
                    actor="gohar.s",
                    follow_up_needed=rng.random() < 0.5,
                    notes="Ծնողների աջակցության խումբ",
                ),
            )
