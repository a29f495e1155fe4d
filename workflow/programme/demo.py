"""``hogatar demo seed``: about 80 realistic families of Kotayk, in every state, with
staff and service histories, for demonstrations and for trying the web app.

Everything goes through the real service layer, so timelines, versions and outbox rows
are what staff would have produced. Time is simulated: each family's story is spread
over the past year and the clock is moved before each step.

The runtime built here publishes nothing: outbox rows stay pending and the outbox
sweep (beat, in ``hogatar run``) hands them to the workers later. Seeding therefore
never waits for a broker, and works with none running.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select

from config.settings import Settings
from workflow.commands import AdvanceCase
from workflow.errors import InvalidInput
from workflow.persistence.models import CaseRow
from workflow.programme.assessment import RecordAssessment
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import (
    AssignCase,
    ConsentInput,
    FamilyInput,
    MemberInput,
    RecordConsent,
    RegisterFamily,
    WithdrawConsent,
)
from workflow.programme.plans import DeliverService, PlanService, RecordIncome, StartService
from workflow.programme.staff import AddStaff, CommunityRow, StaffRow
from workflow.relay import OutboxMessage
from workflow.runtime import Runtime
from workflow.services import handle

SURNAMES = [
    "Հովհաննիսյան",
    "Սարգսյան",
    "Գրիգորյան",
    "Հարությունյան",
    "Մկրտչյան",
    "Պետրոսյան",
    "Խաչատրյան",
    "Կարապետյան",
    "Վարդանյան",
    "Ավետիսյան",
    "Դավթյան",
    "Սիմոնյան",
    "Ղազարյան",
    "Մարտիրոսյան",
    "Սահակյան",
    "Մանուկյան",
    "Աբրահամյան",
    "Եղիազարյան",
    "Բաղդասարյան",
    "Առաքելյան",
    "Գևորգյան",
    "Համբարձումյան",
    "Ստեփանյան",
    "Թադևոսյան",
    "Մովսիսյան",
    "Զաքարյան",
    "Մելքոնյան",
    "Ներսիսյան",
    "Օհանյան",
    "Քոչարյան",
    "Ալեքսանյան",
    "Մինասյան",
]
WOMEN = [
    "Անի",
    "Մարիամ",
    "Լուսինե",
    "Գայանե",
    "Արմինե",
    "Սիրանուշ",
    "Հասմիկ",
    "Նունե",
    "Աստղիկ",
    "Էլեն",
    "Մանե",
    "Սոնա",
    "Տաթևիկ",
    "Լիլիթ",
    "Զարուհի",
    "Անահիտ",
    "Գոհար",
    "Շուշան",
    "Մերի",
    "Նարինե",
    "Ռուզաննա",
    "Կարինե",
]
MEN = [
    "Արամ",
    "Տիգրան",
    "Դավիթ",
    "Արմեն",
    "Կարեն",
    "Գոռ",
    "Նարեկ",
    "Հայկ",
    "Սամվել",
    "Ռուբեն",
    "Վահե",
    "Արտակ",
    "Էրիկ",
    "Մհեր",
    "Սարգիս",
    "Գևորգ",
    "Արթուր",
    "Լևոն",
    "Էդգար",
    "Հովհաննես",
    "Ռաֆայել",
    "Մխիթար",
]
STREETS = (
    "Չարենցի փ.",
    "Թումանյանի փ.",
    "Մաշտոցի պող.",
    "Իսահակյանի փ.",
    "Բաղրամյանի փ.",
    "Կենտրոնական փ.",
    "Շահումյանի փ.",
    "Անդրանիկի փ.",
    "Երևանյան խճուղի",
    "Գայի փ.",
)
PARTNERS = (
    ("local_self_government", "համայնքապետարան"),
    ("integrated_social_services", "Միասնական սոցիալական ծառայությունների տարածքային կենտրոն"),
    ("guardianship_commission", "խնամակալության և հոգաբարձության հանձնաժողով"),
    ("rights_department", "Կոտայքի մարզպետարանի երեխաների իրավունքների պաշտպանության բաժին"),
    ("ngo", "«Հույսի կամուրջ» ՀԿ"),
)
STAFF = (
    ("admin", "Արամ Պետրոսյան", "admin"),
    ("lusine.h", "Լուսինե Հակոբյան", "manager"),
    ("anahit.m", "Անահիտ Մարտիրոսյան", "social_worker"),
    ("karen.h", "Կարեն Հարությունյան", "social_worker"),
    ("mariam.s", "Մարիամ Սարգսյան", "social_worker"),
    ("tigran.a", "Տիգրան Ավետիսյան", "social_worker"),
    ("gohar.s", "Գոհար Սահակյան", "psychologist"),
    ("armen.k", "Արմեն Կարապետյան", "psychologist"),
    ("narek.v", "Նարեկ Վարդանյան", "procurement_officer"),
)
SOCIAL_WORKERS = ("anahit.m", "karen.h", "mariam.s", "tigran.a")
PSYCHOLOGISTS = ("gohar.s", "armen.k")
#: Where the stories end, in proportion (scaled to the number of families asked for).
ENDINGS = (
    ("referred", 8),
    ("assessed", 9),
    ("not_eligible", 3),
    ("enrolled", 10),
    ("receiving_services", 24),
    ("economically_stabilised", 10),
    ("stabilised", 6),
    ("moved_away", 3),
    ("consent_withdrawn", 3),
    ("child_placed_in_care", 1),
    ("reopened", 3),
)
CRITERIA = (
    "extreme_poverty",
    "parental_unemployment",
    "health_problems",
    "single_parent",
    "disability",
    "severe_conditions",
)


class LeavePendingPublisher:
    """Accepts nothing and raises nothing: rows stay pending for the outbox sweep."""

    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        return []


class StoryClock:
    """The seed's clock: set to each step's moment, never later than the real now."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def now(self) -> datetime:
        return self.moment


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
        self.do(
            AdvanceCase(case_id=self.case_id, trigger=trigger, actor=worker, **kwargs), days_later
        )


def seed_demo(settings: Settings, *, families: int = 80, if_empty: bool = False) -> str:
    from workflow.bootstrap import bootstrap

    clock = StoryClock()
    rt = bootstrap(settings, clock=clock, publisher=LeavePendingPublisher())
    if rt.engine.dialect.name == "sqlite":
        # Hundreds of small transactions: skip the fsync of each (WAL keeps the file
        # consistent; at worst a power cut loses the last demo steps, which are re-seedable).
        event.listen(rt.engine, "connect", _sqlite_without_fsync)
    try:
        with rt.session_factory() as session:
            cases = session.scalar(select(func.count()).select_from(CaseRow)) or 0
            communities = list(
                session.scalars(select(CommunityRow.code).where(CommunityRow.active.is_(True)))
            )
        if cases:
            message = f"the database already has {cases} case(s): no demo data added"
            if if_empty:
                return message
            raise InvalidInput(message + " (demo data goes into an empty database only)")
        if len(communities) < 10:
            raise InvalidInput(
                "demo data needs the communities of migration 0002: run `hogatar db upgrade` first"
            )
        _staff(rt)
        rng = random.Random(2018)  # the programme's first year: the same demo every time
        endings = _endings(families, rng)
        for number, ending in enumerate(endings):
            story = Story(
                rt=rt,
                clock=clock,
                rng=rng,
                start=datetime.now(UTC) - timedelta(days=rng.randint(120, 420)),
            )
            _tell(story, ending, communities[number % len(communities)], number)
        _group_sessions(rt, clock, rng)
        return (
            f"demo data added: {len(endings)} families in {min(len(communities), families)} "
            f"communities, {len(STAFF)} staff members"
        )
    finally:
        rt.engine.dispose()


def _sqlite_without_fsync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _staff(rt: Runtime) -> None:
    with rt.session_factory() as session:
        existing = set(session.scalars(select(StaffRow.username)))
    for number, (username, full_name, role) in enumerate(STAFF, 1):
        if username not in existing:
            handle(
                rt,
                AddStaff(
                    username=username,
                    full_name=full_name,
                    role=role,
                    actor="demo",
                    email=f"{username}@hogatar.example",
                    # Demo numbers in the 010 000 0xx block, as made up as the names.
                    phone=f"+374 10 000 0{number:02d}",
                ),
            )


def _endings(families: int, rng: random.Random) -> list[str]:
    weights = sum(weight for _, weight in ENDINGS)
    endings = [
        name for name, weight in ENDINGS for _ in range(max(1, round(weight * families / weights)))
    ]
    endings = endings[:families] + ["receiving_services"] * (families - len(endings))
    rng.shuffle(endings)
    return endings


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


def _tell(story: Story, ending: str, community: str, number: int) -> None:
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
            consent=ConsentInput(
                purpose="Մասնակցություն ծրագրին և անձնական տվյալների մշակում",
                given_on=story.at(rng.randint(1, 5)),
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


def _group_sessions(rt: Runtime, clock: StoryClock, rng: random.Random) -> None:
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
