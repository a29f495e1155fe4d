"""The foster-care pilot on SQLite: a prospective foster family from inquiry to a
monitored placement through the service layer, the effects delivered by hand as a worker
would, and the refusals (guards, bad input, steps out of turn) leaving nothing written."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes

import pytest
from sqlalchemy import func, select

from tests.foster_fixtures import (
    all_modules,
    bring_foster_to,
    foster_case_in,
    inquire,
    record_application,
)
from tests.programme_fixtures import SOCIAL_WORKER, case_in, ensure_staff, today
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.errors import GuardFailed, InvalidInput
from workflow.persistence.models import CaseEventRow, CaseRow, OutboxRow
from workflow.programme.assessment import RecordAssessment
from workflow.programme.foster_care import (
    FosterDecisionRow,
    FosterFamilyRow,
    FosterMatchRow,
    NotAFosterCase,
    RecordApplication,
    RecordCommissionDecision,
    RecordHomeAssessment,
    RecordMatch,
    RecordMonitoringVisit,
    RecordTraining,
    RegisterInquiry,
    WrongStep,
    foster_view,
)
from workflow.programme.plans import PlannedServiceRow
from workflow.programme.procurement import (
    ApproveProcurement,
    DeliverProcurement,
    OrderProcurement,
    ProcurementRequestRow,
)
from workflow.programme.reminders import ReminderRow
from workflow.programme.shared.errors import NotAFamilyCase
from workflow.programme.staff import AddStaff
from workflow.services import handle


@pytest.fixture
def rt(sqlite_runtime):
    ensure_staff(sqlite_runtime)
    handle(
        sqlite_runtime,
        AddStaff(
            username="mgr-ruzanna",
            full_name="Ռուզաննա Ավետիսյան",
            role="manager",
            email="mgr-ruzanna@hogatar.example",
            actor="admin",
        ),
    )
    return sqlite_runtime


def deliver_all(rt, publisher) -> dict[str, str]:
    """Deliver every published message once, as a worker would: effect -> status."""
    outcomes = {}
    while publisher.sent:
        message = publisher.sent.pop(0)
        outcomes[message.effect] = deliver_effect(
            rt, outbox_id=message.outbox_id, task_id="t"
        ).status
    return outcomes


def advance(rt, case_id, trigger, **kwargs):
    return handle(rt, AdvanceCase(case_id=case_id, trigger=trigger, actor=SOCIAL_WORKER, **kwargs))


def state_and_version(rt, case_id):
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        return case.state, case.version


def count(rt, model):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_an_inquiry_opens_a_foster_case_with_its_family_file(rt):
    case_id = inquire(rt)
    view = foster_view(rt, case_id=case_id)
    assert (view["state"], view["family_name"], view["community"]["code"]) == (
        "inquiry",
        "Ղազարյան",
        "hrazdan",
    )
    assert view["social_worker"] == SOCIAL_WORKER  # who took the inquiry follows the family
    with rt.session_factory() as session:
        triggers = list(
            session.scalars(
                select(CaseEventRow.trigger)
                .where(CaseEventRow.case_id == case_id)
                .order_by(CaseEventRow.version)
            )
        )
        workflow = session.get(CaseRow, case_id).workflow
    assert (workflow, triggers) == ("foster_care", ["open", "register_foster_inquiry"])


def test_from_inquiry_to_placement_the_effects_reuse_mail_reminders_and_procurement(
    rt, publisher, mailer
):
    case_id = foster_case_in(rt, "approval")
    assert deliver_all(rt, publisher) == {"referrals.foster_commission_submission": "applied"}
    (mail,) = [message_from_bytes(bytes(m)) if not hasattr(m, "get") else m for m in mailer.sent]
    assert mail["To"] == "guardianship.kotayk@partners.hogatar.example"
    body = mail.get_body().get_content()
    assert f"№{case_id}" in mail["Subject"]
    assert "Երաշխավորվում է" in body and "Ղազարյան" not in body  # no personal data

    bring_foster_to(rt, case_id, "monitoring")
    assert deliver_all(rt, publisher) == {
        "reminders.foster_monitoring_visit": "applied",
        "procurement.foster_starter_kit": "applied",
    }
    with rt.session_factory() as session:
        reminder = session.scalar(select(ReminderRow).where(ReminderRow.case_id == case_id))
        request = session.scalar(
            select(ProcurementRequestRow).where(ProcurementRequestRow.case_id == case_id)
        )
        planned = session.get(PlannedServiceRow, request.planned_service_id)
    assert (reminder.kind, reminder.status) == ("foster_monitoring_visit", "scheduled")
    assert reminder.due_at.date() == today(rt) + timedelta(days=7)
    assert (request.service, request.amount_amd, request.supplier) == (
        "foster_starter_kit",
        185000,
        "household_goods_hrazdan",
    )
    assert "Մահճակալ" in planned.notes
    # The kit follows procurement's own steps, down to the delivery on the family's plan.
    handle(rt, ApproveProcurement(request_id=request.id, actor="mgr-ruzanna"))
    handle(rt, OrderProcurement(request_id=request.id, actor="mgr-ruzanna"))
    handle(
        rt, DeliverProcurement(request_id=request.id, actor="mgr-ruzanna", delivered_on=today(rt))
    )
    with rt.session_factory() as session:
        assert session.get(PlannedServiceRow, planned.id).status == "delivered"


def test_a_visit_answers_the_waiting_reminder_and_schedules_the_next(rt, publisher):
    case_id = foster_case_in(rt, "monitoring")
    deliver_all(rt, publisher)
    handle(
        rt,
        RecordMonitoringVisit(
            case_id=case_id,
            actor=SOCIAL_WORKER,
            visitor=SOCIAL_WORKER,
            visited_on=today(rt),
            observations="Երեխան հարմարվել է, հաճախում է դպրոց",
        ),
    )
    with rt.session_factory() as session:
        reminders = session.execute(
            select(ReminderRow.status, ReminderRow.due_at, ReminderRow.cancel_reason)
            .where(ReminderRow.case_id == case_id)
            .order_by(ReminderRow.id)
        ).all()
    assert [(r.status, r.cancel_reason) for r in reminders] == [
        ("cancelled", "monitoring_visit_recorded"),
        ("scheduled", None),
    ]
    assert reminders[1].due_at.date() == today(rt) + timedelta(days=30)
    advance(rt, case_id, "close", data={"closure_reason": "child_returned_home"})
    with rt.session_factory() as session:
        statuses = list(session.scalars(select(ReminderRow.status).order_by(ReminderRow.id)))
    assert statuses == ["cancelled", "cancelled"]  # a closed case needs no more visits


def test_each_refusal_says_what_to_do_and_how(rt):
    case_id = inquire(rt)
    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, "apply")
    assert "record the family's written application" in str(refused.value)
    assert f"hogatar foster apply {case_id}" in refused.value.requirements[0].hint

    handle(
        rt,
        RecordApplication(
            case_id=case_id,
            actor=SOCIAL_WORKER,
            submitted_on=today(rt),
            documents=("identity_documents",),
        ),
    )
    advance(rt, case_id, "apply")
    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, "start_home_assessment")
    assert "health_certificates, no_criminal_record, income_statement, housing_documents" in str(
        refused.value
    )
    record_application(rt, case_id)  # the rest of the documents arrive
    advance(rt, case_id, "start_home_assessment")

    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, "start_training")
    assert "record the home assessment" in str(refused.value)
    handle(
        rt,
        RecordHomeAssessment(
            case_id=case_id,
            actor=SOCIAL_WORKER,
            assessor=SOCIAL_WORKER,
            assessed_on=today(rt),
            outcome="not_recommended",
            recommendation="Բնակարանում երեխայի համար առանձին տեղ չկա",
        ),
    )
    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, "start_training")
    assert "concludes 'not_recommended'" in str(refused.value)
    assert "home_assessment_negative" in refused.value.requirements[0].hint


def test_training_and_the_commission_decision_are_required(rt):
    case_id = foster_case_in(rt, "training")
    handle(
        rt,
        RecordTraining(
            case_id=case_id,
            actor=SOCIAL_WORKER,
            held_on=today(rt),
            modules=all_modules()[:2],
            trainer="Լիլիթ Գրիգորյան",
        ),
    )
    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, "submit_to_commission")
    assert "(2 of 5 attended): rights_and_law, birth_family_contact, health_first_aid" in str(
        refused.value
    )
    bring_foster_to(rt, case_id, "approval")
    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, "approve")
    assert "commission's decision approving the family" in str(refused.value)
    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, "close")
    assert "withdrew" in str(refused.value) and "commission_refused" in str(refused.value)


def test_a_refusal_by_the_commission_closes_the_case(rt):
    case_id = foster_case_in(rt, "approval")
    handle(
        rt,
        RecordCommissionDecision(
            case_id=case_id,
            actor=SOCIAL_WORKER,
            approved=False,
            decision_number="ԽՀՀ-2026/15",
            decided_on=today(rt),
        ),
    )
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        closing = session.scalar(
            select(CaseEventRow).where(
                CaseEventRow.case_id == case_id, CaseEventRow.trigger == "close"
            )
        )
    assert case.state == "closed"
    assert closing.data["closure_reason"] == "commission_refused"
    assert "ԽՀՀ-2026/15" in closing.reason


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"adults": 0}, "adults: must be at least 1"),
        ({"family_name": "  "}, "family_name: is required"),
        ({"children_in_household": 40}, "children_in_household: must be at most 20"),
    ],
)
def test_a_bad_inquiry_names_the_field_and_opens_no_case(rt, values, field):
    form = {"family_name": "Ղազարյան", "community": "hrazdan", "adults": 2} | values
    with pytest.raises(InvalidInput, match=field):
        handle(rt, RegisterInquiry(actor=SOCIAL_WORKER, **form))
    assert count(rt, CaseRow) == 0 and count(rt, FosterFamilyRow) == 0


def test_a_bad_match_names_every_field_and_writes_nothing(rt):
    case_id = foster_case_in(rt, "matching")
    before = state_and_version(rt, case_id)
    with pytest.raises(InvalidInput) as refused:
        handle(
            rt,
            RecordMatch(
                case_id=case_id,
                actor=SOCIAL_WORKER,
                child_reference="",
                child_initials="Արամ Հովհ",
                child_age=19,
                matched_on=today(rt) + timedelta(days=1),
            ),
        )
    for field in ("child_reference", "child_initials", "child_age", "matched_on"):
        assert field in str(refused.value)
    assert state_and_version(rt, case_id) == before and count(rt, FosterMatchRow) == 0


def test_steps_out_of_turn_are_refused_by_name(rt):
    case_id = inquire(rt)
    with pytest.raises(WrongStep, match="is in inquiry: the commission's decision is recorded"):
        handle(
            rt,
            RecordCommissionDecision(
                case_id=case_id,
                actor=SOCIAL_WORKER,
                approved=True,
                decision_number="1",
                decided_on=today(rt),
            ),
        )
    assert count(rt, FosterDecisionRow) == 0
    with pytest.raises(InvalidInput, match="documents: 'passport_copy' is not one of"):
        handle(
            rt,
            RecordApplication(
                case_id=case_id,
                actor=SOCIAL_WORKER,
                submitted_on=today(rt),
                documents=("passport_copy",),
            ),
        )


def test_the_two_workflows_keep_to_their_own_commands(rt):
    foster_id = inquire(rt)
    family_id = case_in(rt, "referred")
    with pytest.raises(NotAFamilyCase):
        handle(
            rt,
            RecordAssessment(
                case_id=foster_id,
                actor=SOCIAL_WORKER,
                assessor=SOCIAL_WORKER,
                assessed_on=today(rt),
                risk_of_abandonment=False,
            ),
        )
    with pytest.raises(NotAFosterCase):
        record_application(rt, family_id)
    with rt.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 0
