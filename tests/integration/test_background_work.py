"""Referrals, reminders and procurement end to end: PostgreSQL, Redis, real worker and
beat processes, and a real SMTP server that keeps every mail it receives."""

from __future__ import annotations

import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.integration import conftest
from tests.integration.conftest import service_env
from tests.programme_fixtures import case_in, ensure_staff, today
from tests.support import free_port, wait_for
from workflow import queries
from workflow.clock import FixedClock
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.errors import InvalidInput
from workflow.notifications.sink import serve
from workflow.persistence.models import OutboxRow
from workflow.programme import families as programme_queries
from workflow.programme import inbox
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals as programme_referrals
from workflow.programme import reminders as programme_reminders
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import AssignCase
from workflow.programme.plans import DeliverService, PlanService
from workflow.programme.procurement import (
    ApproveProcurement,
    ConsolidatePurchaseOrders,
    DeliverProcurement,
    OverBudget,
)
from workflow.programme.referrals import CreateReferral, RespondToReferral
from workflow.programme.reminders import SweepReminders
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


STARTED: dict[str, float] = {}


@pytest.fixture(autouse=True)
def test_started() -> None:
    # The session's SMTP sink keeps mails of earlier tests, whose ids the truncated tables
    # hand out again: look only at mails received since this test began.
    STARTED["at"] = time.time()


def mails_in(directory: Path, what: str) -> list:
    """Mails about WHAT (e.g. "referral.3"): their key is "outbox.<id>.<what>"."""
    found = []
    for path in sorted(directory.glob("*.eml")):
        if path.stat().st_mtime < STARTED.get("at", 0):
            continue
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if str(message.get("X-Hogatar-Key", "")).split(".", 2)[-1] == what:
            found.append(message)
    return found


def add_staff_with_mail(rt) -> None:
    ensure_staff(rt)
    for username, name, role, language in (
        ("mgr-ruzanna", "Ռուզաննա Ավետիսյան", "manager", "hy"),
        ("proc-levon", "Levon Hakobyan", "procurement_officer", "en"),
        ("psy-mane", "Մանե Գևորգյան", "psychologist", "hy"),
    ):
        handle(
            rt,
            AddStaff(
                username=username,
                full_name=name,
                role=role,
                language=language,
                email=f"{username}@hogatar.example",
                actor="admin",
            ),
        )


def outbox_settled(rt) -> bool:
    counts = queries.outbox_counts(rt)
    return counts["pending"] == counts["published"] == 0


def test_the_whole_story(clean_db, clean_redis, runtime_for, processes, tmp_path):
    """Enrolment -> partner referral mail; counselling -> one reminder when due;
    procurement requested -> approved -> purchase order mailed -> delivered -> stabilise."""
    mail_dir = conftest._SMTP["directory"]
    env = service_env(clean_db, clean_redis, tmp_path / "var")
    processes("worker", env)
    rt = runtime_for(clean_db, clean_redis)
    add_staff_with_mail(rt)

    case_id = case_in(rt, "receiving_services", family_name="Թադևոսյան", community="hrazdan")
    wait_for(lambda: outbox_settled(rt), timeout=60, what="the transitions' effects")
    [referral] = programme_referrals.list_referrals(rt, case_id=case_id)
    [mail] = wait_for(
        lambda: mails_in(mail_dir, f"referral.{referral['id']}"),
        timeout=30,
        what="the referral mail at the SMTP server",
    )
    assert mail["To"] == "iss.hrazdan@partners.hogatar.example"
    assert f"{case_id}" in mail.get_content() and "Թադևոսյան" not in mail.get_content()
    handle(rt, RespondToReferral(referral_id=referral["id"], response="accepted", actor="sw"))

    # Counselling with a follow-up: the reminder goes out once, when the clock says so.
    handle(rt, AssignCase(case_id=case_id, actor="m", psychologist="psy-mane"))
    handle(
        rt,
        RecordCounselling(
            case_ids=(case_id,),
            kind="individual",
            psychologist="psy-mane",
            held_on=today(rt),
            follow_up_needed=True,
            notes=None,
            actor="psy-mane",
        ),
    )
    [reminder] = programme_reminders.list_reminders(rt, case_id=case_id, status="scheduled")
    later = FixedClock(rt.clock.now() + timedelta(days=15))
    beat_at_day_15 = runtime_for(clean_db, clean_redis)
    beat_at_day_15.clock = later
    assert handle(beat_at_day_15, SweepReminders())["sent"] == 1
    assert handle(beat_at_day_15, SweepReminders())["sent"] == 0
    [reminder_mail] = wait_for(
        lambda: mails_in(mail_dir, f"reminder.{reminder['id']}"),
        timeout=30,
        what="the reminder mail",
    )
    assert reminder_mail["To"] == "psy-mane@hogatar.example"
    assert "Հիշեցում" in reminder_mail["Subject"]
    assert [i["reminder_id"] for i in inbox.inbox(rt, username="psy-mane")] == [reminder["id"]]

    # Procurement: school supplies requested by start_services, then tools after training.
    [supplies] = programme_procurement.list_procurement(rt, case_id=case_id)
    handle(rt, ApproveProcurement(request_id=supplies["id"], actor="proc-levon"))
    handle(
        rt,
        PlanService(
            case_id=case_id,
            actor="sw",
            service="vocational_training",
            target_date=today(rt),
            provider_partner="vocational_ngo",
        ),
    )
    training = next(
        s
        for s in programme_queries.family_view(rt, case_id=case_id)["services"]
        if s["service"] == "vocational_training"
    )
    handle(
        rt,
        DeliverService(
            planned_service_id=training["id"],
            actor="sw",
            delivered_on=today(rt),
            quantity=1,
            cost_amd=0,
            notes=None,
            final=True,
        ),
    )
    handle(
        rt,
        PlanService(
            case_id=case_id,
            actor="sw",
            service="tools_equipment",
            target_date=today(rt),
            provider_partner="tools_yerevan",
        ),
    )
    tools = next(
        r
        for r in programme_procurement.list_procurement(rt, case_id=case_id)
        if r["service"] == "tools_equipment"
    )
    handle(rt, ApproveProcurement(request_id=tools["id"], actor="proc-levon"))
    orders = handle(rt, ConsolidatePurchaseOrders())
    assert len(orders) == 2  # one per supplier: stationery and tools
    for order_id in orders:
        [po_mail] = wait_for(
            lambda order_id=order_id: mails_in(mail_dir, f"purchase-order.{order_id}"),
            timeout=30,
            what="the purchase order mail",
        )
        assert "Թադևոսյան" not in po_mail.get_content()
    handle(
        rt, DeliverProcurement(request_id=tools["id"], actor="proc-levon", delivered_on=today(rt))
    )
    moved = handle(rt, AdvanceCase(case_id=case_id, trigger="stabilise", actor="sw"))
    assert moved.to_state == "economically_stabilised"
    wait_for(lambda: outbox_settled(rt), timeout=30, what="all effects")
    assert queries.outbox_counts(rt)["failed"] == 0


def test_two_beats_send_one_mail_per_reminder(
    clean_db, clean_redis, runtime_for, processes, tmp_path
):
    mail_dir = conftest._SMTP["directory"]
    rt = runtime_for(clean_db, clean_redis)
    add_staff_with_mail(rt)
    case_ids = [case_in(rt, "receiving_services", confirm=True) for _ in range(3)]
    for case_id in case_ids:
        handle(rt, AssignCase(case_id=case_id, actor="m", psychologist="psy-mane"))
        # Held 20 days ago: the follow-up (14 days) is already due.
        handle(
            rt,
            RecordCounselling(
                case_ids=(case_id,),
                kind="individual",
                psychologist="psy-mane",
                held_on=today(rt) - timedelta(days=20),
                follow_up_needed=True,
                notes=None,
                actor="psy-mane",
            ),
        )
    reminders = [r["id"] for r in programme_reminders.list_reminders(rt, status="scheduled")]
    assert len(reminders) == 3
    env = service_env(clean_db, clean_redis, tmp_path / "var", HOGATAR_REMINDER_SWEEP_SECONDS="0.5")
    processes("worker", env)
    processes("beat", env, name="beat-a")
    processes("beat", env, name="beat-b")
    wait_for(
        lambda: all(mails_in(mail_dir, f"reminder.{r}") for r in reminders),
        timeout=60,
        what="every reminder mail",
    )
    wait_for(lambda: outbox_settled(rt), timeout=30, what="the outbox to settle")
    time.sleep(3)  # both beats keep sweeping: nothing more may go out
    for reminder_id in reminders:
        assert len(mails_in(mail_dir, f"reminder.{reminder_id}")) == 1
    assert {r["status"] for r in programme_reminders.list_reminders(rt)} == {"sent"}


def test_mail_server_down_then_back_sends_once(
    clean_db, clean_redis, runtime_for, processes, tmp_path
):
    port = free_port()
    mail_dir = tmp_path / "own-mail"
    env = service_env(
        clean_db,
        clean_redis,
        tmp_path / "var",
        HOGATAR_SMTP_PORT=str(port),
        HOGATAR_EFFECT_MAX_RETRIES="20",
    )
    processes("worker", env)
    processes("beat", env)
    rt = runtime_for(clean_db, clean_redis, smtp_port=port)
    add_staff_with_mail(rt)
    case_id = case_in(rt, "receiving_services")
    created = handle(
        rt,
        CreateReferral(
            case_id=case_id,
            partner="kotayk_rights",
            purpose="Իրավական խորհրդատվություն",
            actor="sw",
        ),
    )

    def failed_attempts() -> int:
        with rt.session_factory() as session:
            return max(
                (
                    row.attempts
                    for row in session.query(OutboxRow).filter(
                        OutboxRow.effect == "referrals.send",
                        OutboxRow.payload["referral_id"].as_integer() == created.referral_id,
                    )
                ),
                default=0,
            )

    wait_for(lambda: failed_attempts() >= 2, timeout=60, what="retries while the server is down")
    with serve("127.0.0.1", port, mail_dir):
        [mail] = wait_for(
            lambda: mails_in(mail_dir, f"referral.{created.referral_id}"),
            timeout=60,
            what="the referral mail once the server is back",
        )
        assert mail["To"] == "rights.kotayk@partners.hogatar.example"
        wait_for(
            lambda: programme_referrals.list_referrals(rt, case_id=case_id)[-1]["status"] == "sent",
            timeout=30,
            what="the referral marked sent",
        )
        time.sleep(2)
        assert len(mails_in(mail_dir, f"referral.{created.referral_id}")) == 1


def table_dump(rt) -> dict[str, list[tuple]]:
    with rt.engine.connect() as connection:
        return {
            table: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
            ]
            for table in (
                "cases",
                "case_events",
                "case_activities",
                "outbox",
                "referrals",
                "procurement_requests",
            )
        }


def test_refusals_write_nothing(clean_db, clean_redis, runtime_for):
    rt = runtime_for(clean_db, clean_redis)
    add_staff_with_mail(rt)
    case_id = case_in(rt, "receiving_services")
    created = handle(
        rt, CreateReferral(case_id=case_id, partner="kotayk_rights", purpose="x", actor="sw")
    )
    deliver_everything(rt)  # what a worker would do: request the goods, mail the referral
    [request] = programme_procurement.list_procurement(rt, case_id=case_id)
    assert programme_referrals.list_referrals(rt, case_id=case_id)[-1]["status"] == "sent"
    before = table_dump(rt)
    with pytest.raises(InvalidInput, match="declined referral needs the partner's reason"):
        handle(
            rt, RespondToReferral(referral_id=created.referral_id, response="declined", actor="sw")
        )
    with pytest.raises(OverBudget, match="over by 93 000 000 AMD"):
        handle(
            rt,
            ApproveProcurement(request_id=request["id"], amount_amd=99_000_000, actor="proc-levon"),
        )
    assert table_dump(rt) == before


def deliver_everything(rt) -> None:
    while True:
        with rt.session_factory() as session:
            ids = [
                row.id
                for row in session.query(OutboxRow).filter(
                    OutboxRow.status.in_(("pending", "published"))
                )
            ]
        if not ids:
            return
        for outbox_id in ids:
            deliver_effect(rt, outbox_id=outbox_id, task_id=None)


def test_enrolment_without_referral_consent_refers_nobody_and_says_why(
    clean_db, clean_redis, runtime_for, processes, tmp_path
):
    """A real worker runs the enrolment's ``referrals.notify_partners``: with consent to
    take part but none to referral, no referral is made or mailed; the timeline says
    which partners were not referred and why, and the social worker's inbox says so.
    Once referral consent is recorded, a referral by hand is mailed."""
    from sqlalchemy import select

    from tests import programme_fixtures as pf
    from workflow.persistence.models import CaseActivityRow
    from workflow.programme.families import ConsentInput, RecordConsent

    mail_dir = conftest._SMTP["directory"]
    env = service_env(clean_db, clean_redis, tmp_path / "var")
    processes("worker", env)
    rt = runtime_for(clean_db, clean_redis)
    add_staff_with_mail(rt)
    case_id = pf.register(rt, family_name="Մանուկյան")
    pf.bring_to(rt, case_id, "assessed")
    handle(rt, AssignCase(case_id=case_id, actor="m", social_worker=pf.SOCIAL_WORKER))
    pf.consent(rt, case_id, purposes=("participation",))
    handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor="worker-1"))
    wait_for(lambda: outbox_settled(rt), timeout=60, what="the enrolment's effects")
    effects = {
        e["name"]: e["status"]
        for event in queries.case_view(rt, case_id=case_id)["timeline"]
        for e in event.get("effects", [])
    }
    assert effects.get("referrals.notify_partners") == "done"
    assert programme_referrals.list_referrals(rt, case_id=case_id) == []
    with rt.session_factory() as session:
        held = session.scalars(
            select(CaseActivityRow).where(
                CaseActivityRow.case_id == case_id,
                CaseActivityRow.kind == "referrals_held_no_consent",
            )
        ).one()
    assert held.data["trigger"] == "enrol" and held.data["partners"] == ["kotayk_iss_hrazdan"]
    assert [i["kind"] for i in inbox.inbox(rt, username=pf.SOCIAL_WORKER)] == [
        "referrals_held_no_consent"
    ]

    with pytest.raises(programme_referrals.ReferralConsentMissing):
        handle(
            rt,
            CreateReferral(case_id=case_id, partner="kotayk_iss_hrazdan", purpose="Ա", actor="sw"),
        )
    handle(
        rt,
        RecordConsent(
            case_id=case_id,
            actor="sw",
            consent=ConsentInput(
                purposes=("referral",),
                given_on=today(rt),
                given_by_member_id=pf.first_member(rt, case_id),
            ),
        ),
    )
    created = handle(
        rt,
        CreateReferral(
            case_id=case_id, partner="kotayk_iss_hrazdan", purpose="Ընդգրկում", actor="sw"
        ),
    )
    wait_for(
        lambda: mails_in(mail_dir, f"referral.{created.referral_id}"),
        timeout=30,
        what="the referral mail once consent is recorded",
    )
