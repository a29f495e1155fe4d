"""The hot path's statements on PostgreSQL: a transition's compare-and-set, timeline event
and outbox rows in one statement (``workflow.services.write_transition``), the case read
with one Core SELECT when the session has no reader's scope (``get_case``), and on the
worker the ledger row and the outcome in one (``workflow.delivery.RECORD_APPLIED``)."""

from __future__ import annotations

import select as select_module
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, func, select

from workflow.commands import AdvanceCase, OpenCase
from workflow.delivery import deliver_effect
from workflow.errors import CaseNotFound, ConcurrentUpdate
from workflow.outbox import RELAY_CHANNEL
from workflow.persistence.models import CaseEventRow, CaseRow, EffectLedgerRow, OutboxRow
from workflow.services import check_transition, fire_checked, get_case, handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Two effects on one transition, none on the way back: both shapes of the statement.
WORKFLOW = """
name = "write_check"
title = "Write check"
initial = "idle"

[[states]]
name = "idle"
label = { en = "Idle", hy = "Սպասում" }

[[states]]
name = "busy"
label = { en = "Busy", hy = "Զբաղված" }

[[transitions]]
trigger = "start"
source = ["idle"]
dest = "busy"
effects = ["referrals.notify_partners", "reminders.enrolment_decision_due"]

[[transitions]]
trigger = "finish"
source = ["busy"]
dest = "idle"
"""


def _runtime(runtime_for, clean_db: str, clean_redis: str, tmp_path: Path, **overrides):  # type: ignore[no-untyped-def]
    workflows = tmp_path / "workflows"
    workflows.mkdir(exist_ok=True)
    (workflows / "write_check.toml").write_text(WORKFLOW, encoding="utf-8")
    return runtime_for(clean_db, clean_redis, workflows_dir=workflows, **overrides)


def _open(rt) -> int:  # type: ignore[no-untyped-def]
    return int(
        handle(rt, OpenCase(actor="w", workflow="write_check", family_name="Ծատուրյան")).case_id
    )


def test_one_statement_writes_the_case_the_event_and_an_outbox_row_per_effect(
    clean_db, clean_redis, runtime_for, tmp_path
):
    rt = _runtime(runtime_for, clean_db, clean_redis, tmp_path)
    case_id = _open(rt)
    statements: list[str] = []
    event.listen(rt.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    started = handle(
        rt,
        AdvanceCase(
            case_id=case_id, trigger="start", actor="w", reason="first visit", data={"n": 1}
        ),
    )
    writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1 and writes[0].lstrip().startswith("WITH moved AS")
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        assert (case.state, case.version) == ("busy", 2)
        assert case.updated_at == started_at(session, started.event_id)
        appended = session.get(CaseEventRow, started.event_id)
        assert (appended.case_id, appended.version, appended.trigger) == (case_id, 2, "start")
        assert (appended.from_state, appended.to_state) == ("idle", "busy")
        assert (appended.actor, appended.reason, appended.data) == ("w", "first visit", {"n": 1})
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
    # The result names each effect's own row, in the definition's order.
    assert [row.id for row in rows] == list(started.outbox_ids)
    assert [(row.effect, row.queue) for row in rows] == [
        ("referrals.notify_partners", "referrals"),
        ("reminders.enrolment_decision_due", "reminders"),
    ]
    for row in rows:
        assert (row.case_id, row.event_id, row.attempts) == (case_id, started.event_id, 0)
        assert row.payload == {
            "case_id": case_id,
            "trigger": "start",
            "from": "idle",
            "to": "busy",
            "version": 2,
            "data": {"n": 1},
        }
        assert row.status in ("pending", "published")  # the publish mark may have run
    # Without effects the statement writes the case and the event only.
    finished = handle(rt, AdvanceCase(case_id=case_id, trigger="finish", actor="w"))
    assert finished.outbox_ids == () and finished.version == 3
    with rt.session_factory() as session:
        assert session.get(CaseEventRow, finished.event_id).to_state == "idle"
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 2
        assert session.get(CaseRow, case_id).state == "idle"


def started_at(session, event_id: int):  # type: ignore[no-untyped-def]
    return session.get(CaseEventRow, event_id).at


def test_a_stale_version_writes_nothing(clean_db, clean_redis, runtime_for, tmp_path):
    rt = _runtime(runtime_for, clean_db, clean_redis, tmp_path)
    case_id = _open(rt)
    with rt.unit_of_work() as uow:
        case = get_case(uow.session, case_id)
        assert case is not None and case.version == 1
        # A colleague's transition commits after this one read the case ...
        handle(rt, AdvanceCase(case_id=case_id, trigger="start", actor="colleague"))
        # ... so this one's compare-and-set moves no row: no event, no outbox row.
        command = AdvanceCase(case_id=case_id, trigger="start", actor="w")
        checked = check_transition(rt, uow, command)
        with pytest.raises(ConcurrentUpdate):
            fire_checked(rt, uow, command, checked)
    with rt.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseEventRow)) == 2
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 2
        assert session.get(CaseRow, case_id).version == 2


def test_with_a_relay_process_the_statement_wakes_it(clean_db, clean_redis, runtime_for, tmp_path):
    rt = _runtime(runtime_for, clean_db, clean_redis, tmp_path, relay="process")
    case_id = _open(rt)
    with psycopg.connect(clean_db, autocommit=True) as listener:
        listener.execute(f"LISTEN {RELAY_CHANNEL}")
        handle(rt, AdvanceCase(case_id=case_id, trigger="start", actor="w"))
        ready, _, _ = select_module.select([listener.fileno()], [], [], 5)
        assert ready, "no notification within 5 s"
        notices = list(listener.notifies(timeout=1, stop_after=2))
    assert notices and all(notice.channel == RELAY_CHANNEL for notice in notices)


def test_the_core_load_gives_the_orms_case_and_keeps_one_object_per_case(
    clean_db, clean_redis, runtime_for, tmp_path
):
    rt = _runtime(runtime_for, clean_db, clean_redis, tmp_path)
    case_id = _open(rt)
    with rt.session_factory() as session:
        expected = {
            c.key: getattr(session.get(CaseRow, case_id), c.key) for c in CaseRow.__table__.c
        }
    with rt.unit_of_work() as uow:
        loaded = get_case(uow.session, case_id)
        assert loaded is not None
        assert {c.key: getattr(loaded, c.key) for c in CaseRow.__table__.c} == expected
        # Persistent and clean, as if the ORM had loaded it: the same object afterwards,
        # and a change to it is flushed like any other.
        assert get_case(uow.session, case_id) is loaded
        assert uow.session.get(CaseRow, case_id) is loaded
        assert loaded not in uow.session.dirty
        loaded.family_name = "Ծատուրյան-Մելքոնյան"
        uow.commit()
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).family_name == "Ծատուրյան-Մելքոնյան"
        assert get_case(session, case_id + 1000) is None
    with pytest.raises(CaseNotFound):
        handle(rt, AdvanceCase(case_id=case_id + 1000, trigger="start", actor="w"))


def test_a_delivery_claims_then_records_its_ledger_row_and_outcome_in_one_statement(
    clean_db, clean_redis, runtime_for, tmp_path
):
    # No partner is configured for these triggers: the referral effect refers no one and
    # reads nothing else, so the delivery is the claim and the record.
    rt = _runtime(runtime_for, clean_db, clean_redis, tmp_path, relay="process")
    case_id = _open(rt)
    started = handle(rt, AdvanceCase(case_id=case_id, trigger="start", actor="w"))
    referral_row = started.outbox_ids[0]
    statements: list[str] = []
    event.listen(rt.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    outcome = deliver_effect(rt, outbox_id=referral_row, task_id=f"outbox-{referral_row}")
    assert (outcome.status, outcome.attempts) == ("applied", 1)
    assert len(statements) == 2, statements
    assert "FOR UPDATE" in statements[0] and statements[1].lstrip().startswith("WITH recorded")
    with rt.session_factory() as session:
        row = session.get(OutboxRow, referral_row)
        ledger = session.get(EffectLedgerRow, referral_row)
    assert (row.status, row.attempts, row.task_id) == ("done", 1, f"outbox-{referral_row}")
    assert row.last_error is None and row.finished_at >= row.started_at
    assert (ledger.effect, ledger.task_id) == ("referrals.notify_partners", row.task_id)
    assert ledger.applied_at == row.started_at
    assert ledger.result == {"trigger": "start", "referral_ids": []}
    # A second delivery of the same message finds the ledger row and changes nothing.
    again = deliver_effect(rt, outbox_id=referral_row, task_id=f"outbox-{referral_row}")
    assert again.status == "already_applied"
    with rt.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(EffectLedgerRow)) == 1
