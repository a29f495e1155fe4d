"""The foster-care pilot on PostgreSQL and Redis: a prospective foster family from inquiry
to placement and monitoring through the service layer, its refusals explaining
themselves, and its effects' outbox rows (the commission's mail, the monitoring
reminders, the starter kit's procurement) carried out as a worker does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.foster_fixtures import bring_foster_to, inquire, record_application
from tests.programme_fixtures import SOCIAL_WORKER, ensure_staff, today
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.errors import GuardFailed, InvalidInput
from workflow.persistence.models import CaseRow, MailHandoverRow, OutboxRow
from workflow.programme.foster_care import (
    FosterMatchRow,
    RecordCommissionDecision,
    RecordMatch,
    RecordMonitoringVisit,
    foster_view,
)
from workflow.programme.procurement import ProcurementRequestRow
from workflow.programme.reminders import ReminderRow, SweepReminders
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def rt(clean_db, clean_redis, settings_for):
    runtime = bootstrap(settings_for(clean_db, clean_redis), clock=FixedClock())
    ensure_staff(runtime)
    handle(
        runtime,
        AddStaff(
            username="mgr-ruzanna",
            full_name="Ռուզաննա Ավետիսյան",
            role="manager",
            email="mgr-ruzanna@hogatar.example",
            actor="admin",
        ),
    )
    yield runtime
    if runtime.publish_marks is not None:
        runtime.publish_marks.flush()  # before the database goes with the test session
    runtime.engine.dispose()


def advance(rt, case_id, trigger, **kwargs):
    return handle(rt, AdvanceCase(case_id=case_id, trigger=trigger, actor=SOCIAL_WORKER, **kwargs))


def outbox_of(rt, case_id) -> dict[str, str]:
    with rt.session_factory() as session:
        return {
            row.effect: row.status
            for row in session.scalars(select(OutboxRow).where(OutboxRow.case_id == case_id))
        }


def work_off(rt, case_id) -> None:
    """Run every waiting effect of the case once, as a worker does with its outbox id."""
    with rt.session_factory() as session:
        waiting = list(
            session.scalars(
                select(OutboxRow.id).where(
                    OutboxRow.case_id == case_id, OutboxRow.status.in_(("pending", "published"))
                )
            )
        )
    for outbox_id in waiting:
        deliver_effect(rt, outbox_id=outbox_id, task_id=f"outbox-{outbox_id}")


def test_a_foster_family_from_inquiry_to_placement_and_monitoring(rt):
    case_id = inquire(rt, community="abovyan")
    bring_foster_to(rt, case_id, "approval")
    assert set(outbox_of(rt, case_id)) == {"referrals.foster_commission_submission"}
    work_off(rt, case_id)
    with rt.session_factory() as session:
        handed_over = session.scalars(select(MailHandoverRow)).all()
    assert len(handed_over) == 1  # the commission's mail went to the SMTP server once

    bring_foster_to(rt, case_id, "monitoring")
    effects = outbox_of(rt, case_id)
    assert set(effects) == {
        "referrals.foster_commission_submission",
        "reminders.foster_monitoring_visit",
        "procurement.foster_starter_kit",
    }
    work_off(rt, case_id)
    assert set(outbox_of(rt, case_id).values()) == {"done"}
    with rt.session_factory() as session:
        reminder = session.scalar(select(ReminderRow).where(ReminderRow.case_id == case_id))
        kit = session.scalar(
            select(ProcurementRequestRow).where(ProcurementRequestRow.case_id == case_id)
        )
    assert (reminder.kind, reminder.status) == ("foster_monitoring_visit", "scheduled")
    assert (kit.service, kit.amount_amd, kit.status) == ("foster_starter_kit", 185000, "requested")

    # The first visit falls due a week after the placement; beat's sweep sends it.
    rt.clock.advance(timedelta(days=8))
    assert handle(rt, SweepReminders()) == {"sent": 1, "escalated": 0}
    work_off(rt, case_id)
    handle(
        rt,
        RecordMonitoringVisit(
            case_id=case_id,
            actor=SOCIAL_WORKER,
            visitor=SOCIAL_WORKER,
            visited_on=today(rt),
            observations="Երեխան հարմարվել է ընտանիքին, հաճախում է մանկապարտեզ",
        ),
    )
    with rt.session_factory() as session:
        reminders = session.execute(
            select(ReminderRow.status, ReminderRow.sent_at, ReminderRow.cancel_reason)
            .where(ReminderRow.case_id == case_id)
            .order_by(ReminderRow.id)
        ).all()
    # The reminder was sent, then answered by the visit; the next visit's one waits.
    assert [(r.status, r.sent_at is not None, r.cancel_reason) for r in reminders] == [
        ("cancelled", True, "monitoring_visit_recorded"),
        ("scheduled", False, None),
    ]
    view = foster_view(rt, case_id=case_id)
    assert view["state"] == "monitoring" and len(view["visits"]) == 1


def test_refusals_explain_themselves_and_leave_the_case_as_it_was(rt):
    case_id = inquire(rt)
    with pytest.raises(GuardFailed) as refused:
        advance(rt, case_id, "apply")
    assert "record the family's written application" in refused.value.cli_message()
    assert f"hogatar foster apply {case_id}" in refused.value.cli_message()
    record_application(rt, case_id)
    bring_foster_to(rt, case_id, "matching")
    with rt.session_factory() as session:
        before = session.get(CaseRow, case_id).version
    with pytest.raises(GuardFailed, match="record the child matched with the family"):
        advance(rt, case_id, "match")
    with pytest.raises(InvalidInput, match="child_age"):
        handle(
            rt,
            RecordMatch(
                case_id=case_id,
                actor=SOCIAL_WORKER,
                child_reference="KOT-1",
                child_initials="Ա.Հ.",
                child_age=21,
                matched_on=today(rt),
            ),
        )
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).version == before
        assert session.scalars(select(FosterMatchRow)).all() == []


def test_a_refusal_by_the_commission_closes_the_case(rt):
    case_id = inquire(rt)
    bring_foster_to(rt, case_id, "approval")
    handle(
        rt,
        RecordCommissionDecision(
            case_id=case_id,
            actor=SOCIAL_WORKER,
            approved=False,
            decision_number="ԽՀՀ-2026/21",
            decided_on=today(rt),
        ),
    )
    assert foster_view(rt, case_id=case_id)["state"] == "closed"
