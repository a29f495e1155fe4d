"""Referrals, reminders and procurement brought about through the real service layer, with
effects delivered by hand as a worker would (``work_off``) and the clock moved instead of
waiting: what the web pages of the background work are tested on."""

from __future__ import annotations

from datetime import timedelta

from tests import programme_fixtures as pf
from tests.support import RecordingPublisher
from workflow.clock import FixedClock
from workflow.delivery import deliver_effect
from workflow.programme import procurement as programme_procurement
from workflow.programme import reminders as programme_reminders
from workflow.programme.families import AssignCase
from workflow.programme.reminders import SweepReminders
from workflow.runtime import Runtime
from workflow.services import handle

#: The partner the enrolment refers a family to (config/programme/partners.toml).
ENROLMENT_PARTNER = "kotayk_iss_hrazdan"


def work_off(rt: Runtime, publisher: RecordingPublisher) -> int:
    """Deliver every published effect, and what those queue in turn; returns how many."""
    done = 0
    while publisher.sent:
        message = publisher.sent.pop(0)
        deliver_effect(rt, outbox_id=message.outbox_id, task_id=message.task_id)
        done += 1
    return done


def referred_case(rt: Runtime, publisher: RecordingPublisher, **family: object) -> int:
    """An enrolled case whose enrolment referral was mailed: one referral, ``sent``."""
    case_id = pf.case_in(rt, "enrolled", **family)
    work_off(rt, publisher)
    return case_id


def reminded_case(
    rt: Runtime,
    publisher: RecordingPublisher,
    clock: FixedClock,
    *,
    escalate: bool = False,
    **family: object,
) -> tuple[int, int]:
    """An assessed case of the social worker, whose enrolment-decision reminder was sent
    (and, with ``escalate``, passed to the managers): (case id, reminder id)."""
    case_id = pf.register(rt, **family)
    handle(rt, AssignCase(case_id=case_id, actor="test", social_worker=pf.SOCIAL_WORKER))
    pf.bring_to(rt, case_id, "assessed")
    work_off(rt, publisher)
    clock.advance(timedelta(days=8))
    handle(rt, SweepReminders())
    work_off(rt, publisher)
    if escalate:
        clock.advance(timedelta(days=4))
        handle(rt, SweepReminders())
        work_off(rt, publisher)
    [reminder] = programme_reminders.list_reminders(rt, case_id=case_id)
    assert reminder["status"] == ("escalated" if escalate else "sent"), reminder
    return case_id, int(reminder["id"])


def goods_requested(
    rt: Runtime, publisher: RecordingPublisher, **family: object
) -> tuple[int, int]:
    """A case receiving services whose school supplies are requested: (case id, request id)."""
    case_id = pf.case_in(rt, "receiving_services", **family)
    work_off(rt, publisher)
    [request] = programme_procurement.list_procurement(rt, case_id=case_id)
    assert request["status"] == "requested", request
    return case_id, int(request["id"])
