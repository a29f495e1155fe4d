"""HOGATAR_RELAY=process in the unit tier: the committing process only commits, the relay
loop publishes; rows of one effect share a broker message; a message of several rows
applies each in its own transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from config.celery import beat_schedule
from config.settings import Settings
from tests.support import commit_effect
from workflow.commands import OpenCase
from workflow.delivery import deliver_batch
from workflow.outbox import OutboxMessage, message_batches
from workflow.persistence.models import OutboxRow
from workflow.relay_process import run_relay
from workflow.services import handle


def rows(*effects: str) -> list[OutboxMessage]:
    return [
        OutboxMessage(outbox_id=number, effect=effect, queue="referrals")
        for number, effect in enumerate(effects, start=1)
    ]


def ids(batches: list[list[OutboxMessage]]) -> list[list[int]]:
    return [[m.outbox_id for m in batch] for batch in batches]


def test_rows_of_one_effect_share_a_message_in_the_order_they_came():
    messages = rows("a", "b", "a", "a", "b")
    assert ids(message_batches(messages, per_message=20)) == [[1, 3, 4], [2, 5]]


def test_a_batch_never_holds_more_rows_than_allowed_and_loses_none():
    messages = rows(*["a"] * 45)
    batches = message_batches(messages, per_message=20)
    assert [len(b) for b in batches] == [15, 15, 15]
    assert [m for b in batches for m in b] == messages
    assert ids(message_batches(messages, per_message=1)) == [[i] for i in range(1, 46)]


def test_a_small_backlog_is_shared_between_the_worker_processes():
    assert ids(message_batches(rows("a", "a", "a"), per_message=20, spread=2)) == [[1, 2], [3]]
    assert ids(message_batches(rows("a"), per_message=20, spread=2)) == [[1]]


def status(rt, outbox_id: int) -> str:
    with rt.session_factory() as session:
        return session.scalar(select(OutboxRow.status).where(OutboxRow.id == outbox_id))


def test_with_a_relay_process_the_committing_process_publishes_nothing(sqlite_runtime, publisher):
    sqlite_runtime.settings = sqlite_runtime.settings.model_copy(update={"relay": "process"})
    case_id = handle(
        sqlite_runtime, OpenCase(actor="system:test", family_name="Ընտանիք", community="Արզնի")
    ).case_id
    outbox_id = commit_effect(
        sqlite_runtime, case_id, "referrals.notify_partners", {"trigger": "none"}
    )
    assert publisher.sent == [] and status(sqlite_runtime, outbox_id) == "pending"
    # The relay publishes at once, without the grace a committing process would get.
    loops = iter([False, True])
    run_relay(sqlite_runtime, should_stop=lambda: next(loops))
    assert [m.outbox_id for m in publisher.sent] == [outbox_id]
    assert status(sqlite_runtime, outbox_id) == "published"


def test_with_inline_publishing_a_relay_leaves_fresh_rows_to_the_committing_process(
    sqlite_runtime, publisher, clock
):
    # HOGATAR_RELAY=inline (the default): the committing process publishes its own rows
    # and marks them a moment later; a relay run anyway takes only what it left behind.
    case_id = handle(
        sqlite_runtime, OpenCase(actor="system:test", family_name="Ընտանիք", community="Արզնի")
    ).case_id
    outbox_id = commit_effect(
        sqlite_runtime, case_id, "referrals.notify_partners", {"trigger": "none"}
    )
    loops = iter([False, True])
    run_relay(sqlite_runtime, should_stop=lambda: next(loops))
    assert outbox_id not in [m.outbox_id for m in publisher.sent]
    assert status(sqlite_runtime, outbox_id) == "pending"
    clock.advance(timedelta(seconds=11))  # past HOGATAR_OUTBOX_GRACE_SECONDS (10)
    loops = iter([False, True])
    run_relay(sqlite_runtime, should_stop=lambda: next(loops))
    assert outbox_id in [m.outbox_id for m in publisher.sent]
    assert status(sqlite_runtime, outbox_id) == "published"


def test_a_message_of_several_rows_applies_each_on_its_own(sqlite_runtime):
    rt = sqlite_runtime
    case_id = handle(
        rt, OpenCase(actor="system:test", family_name="Ընտանիք", community="Արզնի")
    ).case_id
    good = commit_effect(rt, case_id, "referrals.notify_partners", {"trigger": "none"})
    broken = commit_effect(rt, case_id, "referrals.send", {"referral_id": 999_999})
    also_good = commit_effect(rt, case_id, "referrals.notify_partners", {"trigger": "none"})
    outcomes = deliver_batch(rt, outbox_ids=[good, broken, also_good], task_id="outbox-1")
    assert [o.status for o in outcomes] == ["applied", "retry_scheduled", "applied"]
    assert [status(rt, i) for i in (good, broken, also_good)] == ["done", "pending", "done"]
    # Redelivered (the worker died before the ack): the done rows are not run again.
    again = deliver_batch(rt, outbox_ids=[good, also_good], task_id="outbox-1")
    assert [o.status for o in again] == ["already_applied", "already_applied"]


@pytest.mark.parametrize("bad", [[], ["1"], [True], [1.5]])
def test_a_message_without_integer_outbox_ids_is_refused(sqlite_runtime, bad):
    with pytest.raises(TypeError, match="integer outbox ids"):
        deliver_batch(sqlite_runtime, outbox_ids=bad, task_id=None)


def test_with_a_relay_process_beat_sweeps_only_as_a_slow_safety_net():
    inline = beat_schedule(Settings(outbox_sweep_seconds=5))
    process = beat_schedule(Settings(outbox_sweep_seconds=5, relay="process"))
    assert inline["outbox-sweep"]["schedule"] == 5
    assert process["outbox-sweep"]["schedule"] == 60


def test_an_unknown_relay_mode_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="'inline' or 'process'"):
        Settings(relay="sometimes")
