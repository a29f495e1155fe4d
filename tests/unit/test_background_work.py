"""Referrals, reminders and procurement on SQLite, with a fake broker and mail server.

Effects are delivered by hand (``deliver``), which is what a worker does with each
published outbox id; the clock is moved instead of waiting."""

from __future__ import annotations

from datetime import datetime, timedelta
from email import message_from_bytes

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import (
    PSYCHOLOGIST,
    SOCIAL_WORKER,
    case_in,
    close_case,
    ensure_staff,
    today,
)
from workflow import queries
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.errors import GuardFailed, InvalidInput
from workflow.programme import inbox as programme_inbox
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals as programme_referrals
from workflow.programme import reminders as programme_reminders
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import AssignCase
from workflow.programme.plans import PlanService
from workflow.programme.procurement import (
    ApproveProcurement,
    CancelProcurement,
    ConsolidatePurchaseOrders,
    DeliverProcurement,
    NotAllowedToApprove,
    OrderProcurement,
    OverBudget,
    OverFamilyCeiling,
)
from workflow.programme.referrals import (
    CreateReferral,
    ReferralResponseRefused,
    RespondToReferral,
    SweepReferralDeadlines,
)
from workflow.programme.reminders import AcknowledgeReminder, SweepReminders
from workflow.programme.staff import AddStaff
from workflow.services import handle


@pytest.fixture
def staff(sqlite_runtime):
    ensure_staff(sqlite_runtime)
    for username, name, role, language in (
        ("mgr-ruzanna", "Ռուզաննա Ավետիսյան", "manager", "hy"),
        ("proc-levon", "Levon Hakobyan", "procurement_officer", "en"),
    ):
        handle(
            sqlite_runtime,
            AddStaff(
                username=username,
                full_name=name,
                role=role,
                language=language,
                email=f"{username}@hogatar.example",
                actor="admin",
            ),
        )
    return sqlite_runtime


def deliver_all(rt, publisher, *, effect: str | None = None) -> list[str]:
    """Deliver every published message once, as a worker would; returns the outcomes."""
    outcomes = []
    while publisher.sent:
        message = publisher.sent.pop(0)
        if effect is None or message.effect == effect:
            outcomes.append(deliver_effect(rt, outbox_id=message.outbox_id, task_id="t").status)
    return outcomes


def mails(mailer):
    return [message_from_bytes(bytes(m)) if not hasattr(m, "get") else m for m in mailer.sent]


def counts(rt, model):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


# --- referrals ---


def test_enrolment_refers_the_family_and_the_referral_is_mailed_once(staff, publisher, mailer):
    case_id = case_in(staff, "enrolled", family_name="Մելքոնյան", community="hrazdan")
    deliver_all(staff, publisher)
    deliver_all(staff, publisher)  # the referral mail queued by the enrolment's effect
    [referral] = programme_referrals.list_referrals(staff, case_id=case_id)
    assert (referral["partner"], referral["status"]) == ("kotayk_iss_hrazdan", "sent")
    [mail] = mailer.sent
    assert mail["To"] == "iss.hrazdan@partners.hogatar.example"
    assert "Ուղեգրում" in mail["Subject"] or "ուղեգր" in mail["Subject"].lower()
    assert "Մելքոնյան" not in mail.get_content()  # the case number, never the family's name
    kinds = [a["kind"] for a in queries.case_view(staff, case_id=case_id)["activities"]]
    assert "referral_sent" in kinds


def test_a_staff_referral_goes_through_its_lifecycle(staff, publisher, mailer):
    case_id = case_in(staff, "receiving_services")
    deliver_all(staff, publisher)
    deliver_all(staff, publisher)  # the enrolment's own referral
    created = handle(
        staff,
        CreateReferral(
            case_id=case_id,
            partner="hrazdan_medical_centre",
            purpose="Ատամնաբուժական բուժում",
            actor="sw",
        ),
    )
    deliver_all(staff, publisher)
    assert mailer.sent[-1]["To"] == "referrals@hrazdan-mc.hogatar.example"
    for response in ("acknowledged", "accepted"):
        handle(
            staff, RespondToReferral(referral_id=created.referral_id, response=response, actor="sw")
        )
    with pytest.raises(InvalidInput, match="needs the partner's feedback"):
        handle(
            staff,
            RespondToReferral(referral_id=created.referral_id, response="completed", actor="sw"),
        )
    handle(
        staff,
        RespondToReferral(
            referral_id=created.referral_id,
            response="completed",
            feedback="Բուժումն ավարտված է",
            actor="sw",
        ),
    )
    [referral] = [
        r
        for r in programme_referrals.list_referrals(staff, case_id=case_id)
        if r["id"] == created.referral_id
    ]
    assert (referral["status"], referral["feedback"]) == ("completed", "Բուժումն ավարտված է")
    with pytest.raises(ReferralResponseRefused, match="nothing more"):
        handle(
            staff,
            RespondToReferral(referral_id=created.referral_id, response="accepted", actor="sw"),
        )


def test_declining_needs_a_reason_and_a_refusal_writes_nothing(staff, publisher):
    case_id = case_in(staff, "receiving_services")
    created = handle(
        staff,
        CreateReferral(case_id=case_id, partner="vocational_ngo", purpose="Course", actor="sw"),
    )
    deliver_all(staff, publisher)
    before = programme_referrals.list_referrals(staff, case_id=case_id)
    activities = len(queries.case_view(staff, case_id=case_id)["activities"])
    with pytest.raises(InvalidInput, match="declined referral needs the partner's reason"):
        handle(
            staff,
            RespondToReferral(
                referral_id=created.referral_id, response="declined", reason="  ", actor="sw"
            ),
        )
    assert programme_referrals.list_referrals(staff, case_id=case_id) == before
    assert len(queries.case_view(staff, case_id=case_id)["activities"]) == activities
    handle(
        staff,
        RespondToReferral(
            referral_id=created.referral_id,
            response="declined",
            reason="No places this year",
            actor="sw",
        ),
    )


def test_unknown_partner_and_closed_case_are_refused(staff):
    case_id = case_in(staff, "enrolled")
    with pytest.raises(InvalidInput, match="no active partner 'nobody'; partners: hrazdan"):
        handle(staff, CreateReferral(case_id=case_id, partner="nobody", purpose="x", actor="sw"))
    closed = case_in(staff, "closed", confirm=True)
    with pytest.raises(InvalidInput, match="closed"):
        handle(
            staff, CreateReferral(case_id=closed, partner="vocational_ngo", purpose="x", actor="sw")
        )


def test_a_silent_partner_is_reminded_then_the_manager_is_told(staff, publisher, mailer, clock):
    case_id = case_in(staff, "enrolled")
    deliver_all(staff, publisher)
    deliver_all(staff, publisher)
    assert handle(staff, SweepReferralDeadlines()) == {"partner_reminders": 0, "escalations": 0}
    clock.advance(timedelta(days=5, minutes=1))
    assert handle(staff, SweepReferralDeadlines()) == {"partner_reminders": 1, "escalations": 0}
    assert handle(staff, SweepReferralDeadlines()) == {"partner_reminders": 0, "escalations": 0}
    deliver_all(staff, publisher)
    assert mailer.sent[-1]["To"] == "iss.hrazdan@partners.hogatar.example"
    clock.advance(timedelta(days=5))
    assert handle(staff, SweepReferralDeadlines())["escalations"] == 1
    deliver_all(staff, publisher)
    assert mailer.sent[-1]["To"] == "mgr-ruzanna@hogatar.example"
    assert [i["kind"] for i in programme_inbox.inbox(staff, username="mgr-ruzanna")] == [
        "referral_escalation"
    ]
    assert case_id in {i["case_id"] for i in programme_inbox.inbox(staff, username="mgr-ruzanna")}


def test_an_answer_stops_the_deadlines(staff, publisher, clock):
    case_id = case_in(staff, "enrolled")
    deliver_all(staff, publisher)
    deliver_all(staff, publisher)
    [referral] = programme_referrals.list_referrals(staff, case_id=case_id)
    handle(
        staff, RespondToReferral(referral_id=referral["id"], response="acknowledged", actor="sw")
    )
    clock.advance(timedelta(days=30))
    assert handle(staff, SweepReferralDeadlines()) == {"partner_reminders": 0, "escalations": 0}


# --- reminders ---


def counselling(rt, case_id, *, follow_up=True, days_ago=0, kind="individual"):
    return handle(
        rt,
        RecordCounselling(
            case_ids=(case_id,),
            kind=kind,
            psychologist=PSYCHOLOGIST,
            held_on=today(rt) - timedelta(days=days_ago),
            follow_up_needed=follow_up,
            notes=None,
            actor="psy",
        ),
    )


def test_a_follow_up_reminder_is_sent_once_when_due(staff, publisher, mailer, clock):
    case_id = case_in(staff, "receiving_services")
    handle(staff, AssignCase(case_id=case_id, actor="m", psychologist=PSYCHOLOGIST))
    deliver_all(staff, publisher)
    counselling(staff, case_id)
    [reminder] = programme_reminders.list_reminders(staff, case_id=case_id, status="scheduled")
    assert reminder["recipient"] == PSYCHOLOGIST
    assert handle(staff, SweepReminders()) == {"sent": 0, "escalated": 0}
    clock.advance(timedelta(days=14, hours=12))
    assert handle(staff, SweepReminders()) == {"sent": 1, "escalated": 0}
    assert handle(staff, SweepReminders()) == {"sent": 0, "escalated": 0}  # claimed once
    sent_before = len(mailer.sent)
    assert deliver_all(staff, publisher) == ["applied"]
    assert len(mailer.sent) == sent_before  # the psychologist has no e-mail address ...
    inbox = programme_inbox.inbox(staff, username=PSYCHOLOGIST)
    assert [i["reminder_id"] for i in inbox] == [reminder["id"]]  # ... but an inbox
    handle(staff, AcknowledgeReminder(reminder_id=reminder["id"], actor=PSYCHOLOGIST))
    assert programme_inbox.inbox(staff, username=PSYCHOLOGIST) == []
    clock.advance(timedelta(days=10))
    assert handle(staff, SweepReminders()) == {"sent": 0, "escalated": 0}


def test_an_unacknowledged_reminder_is_escalated_to_the_manager(staff, publisher, mailer, clock):
    case_id = case_in(staff, "receiving_services")
    deliver_all(staff, publisher)
    counselling(staff, case_id, kind="individual")
    clock.advance(timedelta(days=15))
    handle(staff, SweepReminders())
    deliver_all(staff, publisher)
    clock.advance(timedelta(days=3, minutes=1))
    assert handle(staff, SweepReminders()) == {"sent": 0, "escalated": 1}
    deliver_all(staff, publisher)
    assert mailer.sent[-1]["To"] == "mgr-ruzanna@hogatar.example"
    assert "Ժամկետանց" in mailer.sent[-1]["Subject"]


def test_the_follow_up_session_or_closing_cancels_the_reminder(staff, publisher, clock):
    case_id = case_in(staff, "receiving_services")
    counselling(staff, case_id)
    counselling(staff, case_id, follow_up=False)  # the follow-up itself
    statuses = [r["status"] for r in programme_reminders.list_reminders(staff, case_id=case_id)]
    assert "scheduled" not in statuses and "cancelled" in statuses
    counselling(staff, case_id)
    close_case(staff, case_id, actor="m", reason="moved", approver="mgr-ruzanna")
    clock.advance(timedelta(days=60))
    assert handle(staff, SweepReminders()) == {"sent": 0, "escalated": 0}
    reasons = {
        r["cancel_reason"] for r in programme_reminders.list_reminders(staff, case_id=case_id)
    }
    assert reasons == {"follow_up_recorded", "case_closed"}


def test_assessment_schedules_the_enrolment_decision_and_enrolling_cancels_it(staff, publisher):
    case_id = case_in(staff, "assessed")
    deliver_all(staff, publisher)
    [reminder] = programme_reminders.list_reminders(staff, case_id=case_id)
    assert (reminder["kind"], reminder["status"]) == ("enrolment_decision", "scheduled")
    from tests.programme_fixtures import prepare

    prepare(staff, case_id, "enrol")
    handle(staff, AdvanceCase(case_id=case_id, trigger="enrol", actor="sw"))
    [reminder] = programme_reminders.list_reminders(staff, case_id=case_id)
    assert (reminder["status"], reminder["cancel_reason"]) == ("cancelled", "enrolment_decided")


# --- procurement ---


def started_case(rt, publisher, **kwargs):
    case_id = case_in(rt, "receiving_services", **kwargs)
    deliver_all(rt, publisher)  # start_services -> procurement.request_goods
    return case_id


def test_starting_services_requests_the_goods_of_the_plan(staff, publisher):
    case_id = started_case(staff, publisher)
    [request] = programme_procurement.list_procurement(staff, case_id=case_id)
    assert (request["service"], request["status"], request["amount_amd"]) == (
        "school_supplies",
        "requested",
        45000,
    )


def test_goods_added_to_an_active_plan_are_requested_at_once(staff, publisher):
    case_id = started_case(staff, publisher)
    handle(
        staff,
        PlanService(
            case_id=case_id,
            actor="sw",
            service="medicines",
            target_date=today(staff) + timedelta(days=3),
            provider_staff=SOCIAL_WORKER,
        ),
    )
    services = [
        r["service"] for r in programme_procurement.list_procurement(staff, case_id=case_id)
    ]
    assert services == ["school_supplies", "medicines"]


def test_only_an_officer_or_manager_approves(staff, publisher):
    case_id = started_case(staff, publisher)
    [request] = programme_procurement.list_procurement(staff, case_id=case_id)
    with pytest.raises(NotAllowedToApprove, match="only a procurement officer or a manager"):
        handle(staff, ApproveProcurement(request_id=request["id"], actor=SOCIAL_WORKER))
    handle(staff, ApproveProcurement(request_id=request["id"], actor="proc-levon"))


def test_over_budget_is_refused_with_the_amount_and_nothing_written(staff, publisher):
    case_id = started_case(staff, publisher)
    [request] = programme_procurement.list_procurement(staff, case_id=case_id)
    before = programme_procurement.list_procurement(staff)
    with pytest.raises(OverFamilyCeiling, match="over by 50 000 AMD"):
        handle(
            staff,
            ApproveProcurement(request_id=request["id"], amount_amd=450_000, actor="proc-levon"),
        )
    with pytest.raises(
        OverBudget,
        match="has 6 000 000 AMD left, the request is 7 000 000 AMD: over by 1 000 000 AMD",
    ):
        handle(
            staff,
            ApproveProcurement(request_id=request["id"], amount_amd=7_000_000, actor="mgr-ruzanna"),
        )
    with pytest.raises(InvalidInput, match="not a whole number of dram"):
        handle(
            staff,
            ApproveProcurement(
                request_id=request["id"],
                amount_amd=12.5,  # type: ignore[arg-type]
                actor="mgr-ruzanna",
            ),
        )
    assert programme_procurement.list_procurement(staff) == before


def test_weekly_consolidation_makes_one_order_per_supplier_and_mails_it(staff, publisher, mailer):
    cases = [started_case(staff, publisher, confirm=True) for _ in range(2)]
    for request in programme_procurement.list_procurement(staff):
        handle(staff, ApproveProcurement(request_id=request["id"], actor="proc-levon"))
    [order_id] = handle(staff, ConsolidatePurchaseOrders())
    assert handle(staff, ConsolidatePurchaseOrders()) == []
    [order] = programme_procurement.list_purchase_orders(staff)
    assert (order["id"], order["supplier"], order["total_amd"]) == (
        order_id,
        "stationery_hrazdan",
        90000,
    )
    assert {r["status"] for r in programme_procurement.list_procurement(staff)} == {"ordered"}
    deliver_all(staff, publisher)
    mail = mailer.sent[-1]
    assert mail["To"] == "orders@stationery-hrazdan.hogatar.example"
    body = mail.get_content()
    # In the supplier's language (Armenian), amounts as on the pages.
    assert all(f"դեպք {case_id}" in body for case_id in cases)
    assert "Ընդհանուր գումարը՝ 90\u00a0000 ֏" in body
    assert programme_procurement.list_purchase_orders(staff)[0]["sent_at"] is not None


def test_tools_delivered_allow_stabilise(staff, publisher):
    case_id = started_case(staff, publisher)
    handle(
        staff,
        PlanService(
            case_id=case_id,
            actor="sw",
            service="vocational_training",
            target_date=today(staff),
            provider_partner="vocational_ngo",
        ),
    )
    with pytest.raises(GuardFailed, match="tools delivered"):
        handle(staff, AdvanceCase(case_id=case_id, trigger="stabilise", actor="sw"))
    from workflow.programme import families as programme_queries
    from workflow.programme.plans import DeliverService

    plan = programme_queries.family_view(staff, case_id=case_id)["services"]
    training = next(p for p in plan if p["service"] == "vocational_training")
    handle(
        staff,
        DeliverService(
            planned_service_id=training["id"],
            actor="sw",
            delivered_on=today(staff),
            quantity=1,
            cost_amd=0,
            notes=None,
            final=True,
        ),
    )
    handle(
        staff,
        PlanService(
            case_id=case_id,
            actor="sw",
            service="tools_equipment",
            target_date=today(staff),
            provider_partner="tools_yerevan",
        ),
    )
    tools = next(
        r
        for r in programme_procurement.list_procurement(staff, case_id=case_id)
        if r["service"] == "tools_equipment"
    )
    handle(staff, ApproveProcurement(request_id=tools["id"], actor="proc-levon"))
    handle(staff, OrderProcurement(request_id=tools["id"], actor="proc-levon"))
    handle(
        staff,
        DeliverProcurement(request_id=tools["id"], actor="proc-levon", delivered_on=today(staff)),
    )
    event = handle(staff, AdvanceCase(case_id=case_id, trigger="stabilise", actor="sw"))
    assert event.to_state == "economically_stabilised"


def test_cancel_needs_a_reason_and_only_before_ordering(staff, publisher):
    case_id = started_case(staff, publisher)
    [request] = programme_procurement.list_procurement(staff, case_id=case_id)
    with pytest.raises(InvalidInput, match="say why"):
        handle(staff, CancelProcurement(request_id=request["id"], reason=" ", actor="m"))
    handle(staff, ApproveProcurement(request_id=request["id"], actor="proc-levon"))
    handle(staff, OrderProcurement(request_id=request["id"], actor="proc-levon"))
    with pytest.raises(InvalidInput, match="is ordered: it cannot be cancelled"):
        handle(staff, CancelProcurement(request_id=request["id"], reason="x", actor="m"))


def test_a_reminder_falls_due_at_nine_in_yerevan_on_sqlite_too(staff, publisher):
    case_id = case_in(staff, "assessed")
    deliver_all(staff, publisher)
    [reminder] = programme_reminders.list_reminders(staff, case_id=case_id)
    due = datetime.fromisoformat(reminder["due_at"])
    # 09:00 in Yerevan (UTC+4) is 05:00 UTC: stored as the instant, not the wall clock.
    assert (due.utcoffset(), due.hour, due.minute) == (timedelta(0), 5, 0)


def test_answering_a_referral_clears_the_managers_escalation_items(staff, publisher, clock):
    case_id = case_in(staff, "enrolled")
    deliver_all(staff, publisher)
    deliver_all(staff, publisher)
    clock.advance(timedelta(days=11))
    handle(staff, SweepReferralDeadlines())
    deliver_all(staff, publisher)
    assert len(programme_inbox.inbox(staff, username="mgr-ruzanna")) == 1
    [referral] = programme_referrals.list_referrals(staff, case_id=case_id)
    handle(staff, RespondToReferral(referral_id=referral["id"], response="accepted", actor="sw"))
    assert programme_inbox.inbox(staff, username="mgr-ruzanna") == []
