"""Applying effects exactly once, retries as data, incidents, and the outbox sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import case_in, prepare, register
from workflow import queries
from workflow.commands import AdvanceCase, RetryIncident, SkipIncident
from workflow.delivery import backoff_delay, deliver_effect
from workflow.errors import IncidentNotFound, IncidentNotOpen, InvalidInput, PermanentEffectError
from workflow.persistence.models import CaseActivityRow, EffectLedgerRow, OutboxRow
from workflow.relay import publish_committed, sweep_outbox
from workflow.services import enqueue_effect, handle


def enrolled_case(rt):
    case_id = case_in(rt, "assessed", family_name="Սարգսյան", community="bjni")
    prepare(rt, case_id, "enrol")
    event = handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor="w"))
    return case_id, event.outbox_ids[0]


def ledger_count(rt, outbox_id):
    with rt.session_factory() as session:
        return session.scalar(
            select(func.count())
            .select_from(EffectLedgerRow)
            .where(EffectLedgerRow.outbox_id == outbox_id)
        )


def outbox(rt, outbox_id):
    with rt.session_factory() as session:
        return session.get(OutboxRow, outbox_id)


def sweep(rt):
    return sweep_outbox(
        publisher=rt.publisher,
        session_factory=rt.session_factory,
        clock=rt.clock,
        policy=rt.relay_policy,
    )


def test_an_effect_applies_once_however_often_it_is_delivered(sqlite_runtime):
    _, outbox_id = enrolled_case(sqlite_runtime)
    first = deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t1")
    again = deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t2")
    assert (first.status, again.status) == ("applied", "already_applied")
    assert ledger_count(sqlite_runtime, outbox_id) == 1
    row = outbox(sqlite_runtime, outbox_id)
    assert (row.status, row.attempts, row.task_id) == ("done", 1, "t1")
    with sqlite_runtime.session_factory() as session:
        result = session.get(EffectLedgerRow, outbox_id).result
    # The enrolment referred the family to the partners configured for it (partners.toml).
    assert result["trigger"] == "enrol" and len(result["referral_ids"]) == 1


def test_unknown_outbox_id_is_skipped(sqlite_runtime):
    assert deliver_effect(sqlite_runtime, outbox_id=424242, task_id=None).status == "skipped"


@pytest.fixture
def flaky(sqlite_runtime, monkeypatch):
    """Make the partner-referral effect fail until the test says otherwise."""
    state = {"fail": True, "error": ConnectionError("partner mail server refused")}
    real = sqlite_runtime.effects.handler("referrals.notify_partners")

    def handler(context):
        if state["fail"]:
            raise state["error"]
        return real(context)

    monkeypatch.setitem(sqlite_runtime.effects._handlers, "referrals.notify_partners", handler)
    return state


def test_a_failed_attempt_is_retried_after_a_backoff(sqlite_runtime, flaky, clock, publisher):
    _, outbox_id = enrolled_case(sqlite_runtime)
    outcome = deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t1")
    assert (outcome.status, outcome.attempts) == ("retry_scheduled", 1)
    row = outbox(sqlite_runtime, outbox_id)
    assert row.status == "pending" and "ConnectionError" in row.last_error
    wait = row.not_before.replace(tzinfo=clock.now().tzinfo) - clock.now()
    assert timedelta(seconds=1) <= wait <= timedelta(seconds=2)
    sent_before = len(publisher.sent)
    clock.advance(timedelta(seconds=11))  # past the grace, before nothing else
    assert sweep(sqlite_runtime) == 1
    assert publisher.sent[sent_before].outbox_id == outbox_id
    flaky["fail"] = False
    assert deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t2").status == "applied"
    assert (
        outbox(sqlite_runtime, outbox_id).attempts,
        ledger_count(sqlite_runtime, outbox_id),
    ) == (2, 1)


def test_a_retry_is_not_published_before_its_backoff(sqlite_runtime, flaky, clock, monkeypatch):
    monkeypatch.setattr(sqlite_runtime.settings, "retry_backoff_seconds", 60.0)
    _, outbox_id = enrolled_case(sqlite_runtime)
    deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t1")
    clock.advance(timedelta(seconds=20))
    assert sweep(sqlite_runtime) == 0
    clock.advance(timedelta(seconds=60))
    assert sweep(sqlite_runtime) == 1


def test_exhausted_retries_open_an_incident_an_operator_can_retry(sqlite_runtime, flaky, clock):
    case_id, outbox_id = enrolled_case(sqlite_runtime)
    statuses = []
    for _ in range(4):  # effect_max_retries=3: the fourth failure gives up
        statuses.append(deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t").status)
        clock.advance(timedelta(minutes=5))
    assert statuses == ["retry_scheduled"] * 3 + ["incident"]
    assert outbox(sqlite_runtime, outbox_id).status == "failed"
    incidents = queries.list_incidents(sqlite_runtime)
    assert [(i["case_id"], i["outbox_id"], i["attempts"]) for i in incidents] == [
        (case_id, outbox_id, 4)
    ]
    assert "partner mail server refused" in incidents[0]["error"]
    # A stray redelivery while the incident is open changes nothing.
    assert deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t").status == "skipped"

    flaky["fail"] = False
    handle(sqlite_runtime, RetryIncident(incident_id=incidents[0]["id"], actor="operator"))
    assert queries.list_incidents(sqlite_runtime) == []
    assert outbox(sqlite_runtime, outbox_id).status == "published"
    assert deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t9").status == "applied"
    retried = queries.list_incidents(sqlite_runtime, include_retried=True)[0]
    assert (retried["status"], retried["retried_by"]) == ("retried", "operator")
    with pytest.raises(IncidentNotOpen):
        handle(sqlite_runtime, RetryIncident(incident_id=retried["id"], actor="operator"))
    with pytest.raises(IncidentNotFound):
        handle(sqlite_runtime, RetryIncident(incident_id=999, actor="operator"))


def test_a_permanent_error_opens_an_incident_at_once(sqlite_runtime, flaky):
    flaky["error"] = PermanentEffectError("partner has no e-mail address")
    _, outbox_id = enrolled_case(sqlite_runtime)
    assert deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t").status == "incident"


def test_failed_effect_writes_are_rolled_back(sqlite_runtime, monkeypatch):
    def half_then_fail(context):
        context.session.add(
            EffectLedgerRow(
                outbox_id=context.outbox_id, effect="x", applied_at=context.now, result={}
            )
        )
        context.session.flush()
        raise RuntimeError("boom after a write")

    monkeypatch.setitem(
        sqlite_runtime.effects._handlers, "referrals.notify_partners", half_then_fail
    )
    _, outbox_id = enrolled_case(sqlite_runtime)
    assert (
        deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t").status == "retry_scheduled"
    )
    assert ledger_count(sqlite_runtime, outbox_id) == 0


def test_sweep_publishes_what_the_broker_missed_and_leaves_the_rest(
    sqlite_runtime, publisher, clock
):
    case_id = register(sqlite_runtime)
    prepare(sqlite_runtime, case_id, "assess")
    publisher.available = False
    missed = handle(
        sqlite_runtime, AdvanceCase(case_id=case_id, trigger="assess", actor="w")
    ).outbox_ids
    publisher.available = True
    assert sweep(sqlite_runtime) == 0  # within the grace period the committing process owns it
    clock.advance(timedelta(seconds=11))
    assert sweep(sqlite_runtime) == 1
    assert [m.outbox_id for m in publisher.sent] == list(missed)
    assert sweep(sqlite_runtime) == 0  # published now, not again
    deliver_effect(sqlite_runtime, outbox_id=missed[0], task_id="t")
    clock.advance(timedelta(hours=2))
    assert sweep(sqlite_runtime) == 0  # done rows are never republished


def test_sweep_republishes_a_message_the_broker_lost(sqlite_runtime, publisher, clock):
    _, outbox_id = enrolled_case(sqlite_runtime)
    assert outbox(sqlite_runtime, outbox_id).status == "published"
    clock.advance(timedelta(minutes=10))
    assert sweep(sqlite_runtime) == 0
    clock.advance(timedelta(minutes=6))  # past outbox_republish_after_seconds (15 min)
    sent = len(publisher.sent)
    assert sweep(sqlite_runtime) == 2  # both effects of the case were never done
    assert {m.outbox_id for m in publisher.sent[sent:]} >= {outbox_id}


def test_sweep_with_broker_down_leaves_rows_pending(sqlite_runtime, publisher, clock):
    publisher.available = False
    enrolled_case(sqlite_runtime)
    clock.advance(timedelta(seconds=30))
    assert sweep(sqlite_runtime) == 0
    assert queries.outbox_counts(sqlite_runtime)["pending"] == 2


@pytest.mark.parametrize("attempt", [1, 2, 5, 20])
def test_backoff_grows_exponentially_with_jitter_and_a_cap(attempt):
    low = backoff_delay(attempt, base=2, cap=120, rng=lambda: 0.0).total_seconds()
    high = backoff_delay(attempt, base=2, cap=120, rng=lambda: 1.0).total_seconds()
    full = min(120, 2 * 2 ** (attempt - 1))
    assert (low, high) == (full / 2, full)


def test_every_effect_of_a_commit_is_marked_published(sqlite_runtime, publisher):
    case_id, _ = enrolled_case(sqlite_runtime)
    rt = sqlite_runtime
    with rt.unit_of_work() as uow:
        ids = [
            enqueue_effect(
                rt,
                uow,
                case_id=case_id,
                event_id=None,
                effect=effect,
                payload={"referral_id": 0},
                now=rt.clock.now(),
            ).outbox_id
            for effect in ("referrals.send", "reminders.send")
        ]
        uow.commit()
    publish_committed(
        messages=uow.committed_messages,
        publisher=publisher,
        session_factory=rt.session_factory,
        clock=rt.clock,
    )
    assert [m.outbox_id for m in publisher.sent[-2:]] == ids
    assert {outbox(rt, i).status for i in ids} == {"published"}


def test_effects_an_effect_queues_go_out_after_its_commit(sqlite_runtime, publisher, mailer):
    _, outbox_id = enrolled_case(sqlite_runtime)
    deliver_effect(sqlite_runtime, outbox_id=outbox_id, task_id="t1")
    follow_up = publisher.sent[-1]
    assert follow_up.effect == "referrals.send"
    assert outbox(sqlite_runtime, follow_up.outbox_id).status == "published"
    assert (
        deliver_effect(sqlite_runtime, outbox_id=follow_up.outbox_id, task_id="t2").status
        == "applied"
    )
    assert len(mailer.sent) == 1


def test_the_oldest_waiting_row_and_its_age_show_a_stuck_pipeline(sqlite_runtime, publisher, clock):
    assert queries.oldest_waiting(sqlite_runtime) is None
    publisher.available = False  # nothing gets out: the rows wait
    enrolled_case(sqlite_runtime)
    clock.advance(timedelta(minutes=3, seconds=12))
    oldest = queries.oldest_waiting(sqlite_runtime)
    first = min(outbox_ids_of(sqlite_runtime))
    assert (oldest["outbox_id"], oldest["status"], oldest["age_seconds"]) == (
        first,
        "pending",
        192.0,
    )
    assert queries.format_age(oldest["age_seconds"]) == "3 min 12 s"
    assert [queries.format_age(s) for s in (45, 7500, 273600)] == ["45 s", "2 h 5 min", "3 d 4 h"]


def outbox_ids_of(rt):
    with rt.session_factory() as session:
        return list(session.scalars(select(OutboxRow.id)))


def failed_for_good(rt, clock):
    """A case whose enrolment effect exhausted its retries: (case id, outbox id, incident)."""
    case_id, outbox_id = enrolled_case(rt)
    for _ in range(4):
        deliver_effect(rt, outbox_id=outbox_id, task_id="t")
        clock.advance(timedelta(minutes=5))
    [incident] = queries.list_incidents(rt)
    return case_id, outbox_id, incident


def timeline_activities(rt, case_id):
    with rt.session_factory() as session:
        return [
            (a.kind, a.actor, a.reason, a.data)
            for a in session.scalars(
                select(CaseActivityRow)
                .where(CaseActivityRow.case_id == case_id)
                .order_by(CaseActivityRow.id)
            )
        ]


def test_an_operator_skips_an_incident_with_a_reason_and_it_never_runs(
    sqlite_runtime, flaky, clock
):
    rt = sqlite_runtime
    case_id, outbox_id, incident = failed_for_good(rt, clock)
    with pytest.raises(InvalidInput, match="a reason is required"):
        handle(rt, SkipIncident(incident_id=incident["id"], actor="operator", reason="  "))
    assert queries.list_incidents(rt)[0]["status"] == "open"  # the refusal wrote nothing

    reason = "Գործընկերոջը զանգահարեցինք, ուղղորդումը փոխանցվեց հեռախոսով"
    handle(rt, SkipIncident(incident_id=incident["id"], actor="operator", reason=reason))
    assert queries.list_incidents(rt) == []
    skipped = queries.list_incidents(rt, include_retried=True)[0]
    assert (skipped["status"], skipped["retried_by"], skipped["resolution_reason"]) == (
        "skipped",
        "operator",
        reason,
    )
    row = outbox(rt, outbox_id)
    assert row.status == "done" and "skipped by operator" in row.last_error
    assert ledger_count(rt, outbox_id) == 0  # resolved, not applied
    flaky["fail"] = False
    # A stray message for the skipped effect does not run it.
    assert deliver_effect(rt, outbox_id=outbox_id, task_id="late").status == "already_applied"
    assert ledger_count(rt, outbox_id) == 0
    [audit] = [a for a in timeline_activities(rt, case_id) if a[0].startswith("incident_")]
    assert audit[:3] == ("incident_skipped", "operator", reason)
    assert audit[3]["incident_id"] == incident["id"] and audit[3]["outbox_id"] == outbox_id
    with pytest.raises(IncidentNotOpen, match="not open: nothing to skip"):
        handle(rt, SkipIncident(incident_id=incident["id"], actor="operator", reason="again"))


def test_a_retried_incident_is_on_the_case_timeline(sqlite_runtime, flaky, clock):
    rt = sqlite_runtime
    case_id, _, incident = failed_for_good(rt, clock)
    handle(rt, RetryIncident(incident_id=incident["id"], actor="operator-2"))
    audits = [a for a in timeline_activities(rt, case_id) if a[0].startswith("incident_")]
    assert [(a[0], a[1]) for a in audits] == [("incident_retried", "operator-2")]
