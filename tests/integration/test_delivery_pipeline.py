"""The engine end to end: PostgreSQL, Redis, real Celery worker and beat processes."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
import redis
from sqlalchemy import func, select

from tests.integration.conftest import service_env
from tests.programme_fixtures import CLOSE, case_in, prepare, register
from tests.support import ROOT, wait_for
from workflow import queries
from workflow.commands import AdvanceCase, OpenCase
from workflow.persistence.models import CaseRow, EffectLedgerRow, OutboxRow
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

LIFECYCLE = [
    ("assess", []),
    ("enrol", []),
    ("start_services", []),
    ("stabilise", []),
    ("close", ["--reason", "family is economically stable", "--data", json.dumps(CLOSE)]),
]


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def ledger_counts(rt) -> dict[int, int]:
    with rt.session_factory() as session:
        rows = session.execute(
            select(EffectLedgerRow.outbox_id, func.count()).group_by(EffectLedgerRow.outbox_id)
        ).all()
    return {outbox_id: count for outbox_id, count in rows}


def all_done(rt) -> bool:
    counts = queries.outbox_counts(rt)
    return counts["done"] > 0 and counts["pending"] == counts["published"] == counts["failed"] == 0


def test_a_case_from_referral_to_closure_on_the_cli(
    clean_db, clean_broker, runtime_for, processes, tmp_path
):
    env = service_env(clean_db, clean_broker, tmp_path / "var")
    processes("worker", env)
    rt = runtime_for(clean_db, clean_broker)
    case_id = register(rt, family_name="Մկրտչյան", community="Չարենցավան")
    for trigger, extra in LIFECYCLE:
        # What the guards require (assessment, consent, plan, income) goes through the
        # service layer; the transition itself through the CLI.
        prepare(rt, case_id, trigger, actor="social-worker-1")
        result = cli(
            env, "case", "advance", str(case_id), trigger, "--actor", "cli:social-worker-1", *extra
        )
        assert result.returncode == 0, result.stderr
    # Closing was requested; a manager approves it and the case closes.
    assert "'close' requested (approval 1), awaiting manager" in result.stdout
    manager = ["mgr.lusine", "--name", "Լուսինե", "--role", "manager"]
    assert cli(env, "staff", "add", *manager).returncode == 0
    result = cli(env, "approval", "approve", "1", "--actor", "mgr.lusine")
    assert result.returncode == 0, result.stderr

    wait_for(lambda: all_done(rt), timeout=30, what="every effect done")
    shown = cli(env, "case", "show", str(case_id), "--json")
    view = json.loads(shown.stdout)
    assert view["state"] == "closed" and view["version"] == len(view["timeline"])
    assert [e["version"] for e in view["timeline"]] == list(range(1, view["version"] + 1))
    assert view["allowed_triggers"] == ["reopen"]
    moves = [e for e in view["timeline"] if e["trigger"] == "open" or e["from"] != e["to"]]
    assert [(e["trigger"], e["from"], e["to"]) for e in moves] == [
        ("open", None, "referred"),
        ("assess", "referred", "assessed"),
        ("enrol", "assessed", "enrolled"),
        ("start_services", "enrolled", "receiving_services"),
        ("stabilise", "receiving_services", "economically_stabilised"),
        ("close", "economically_stabilised", "closed"),
    ]
    assert view["timeline"][-1]["reason"] == "family is economically stable"
    assert {e["actor"] for e in moves[1:-1]} == {"cli:social-worker-1"}
    assert moves[-1]["actor"] == "mgr.lusine"  # who approved it closed it
    effects = [effect for event in view["timeline"] for effect in event["effects"]]
    assert [e["name"] for e in effects] == [
        "reminders.enrolment_decision_due",
        "referrals.notify_partners",
        "procurement.request_goods",
    ]
    # Effects queue effects: the enrolment's referral was mailed by its own task.
    assert [e["name"] for e in view["background_effects"]] == ["referrals.send"]
    everything = effects + view["background_effects"]
    assert {e["status"] for e in everything} == {"done"}
    assert ledger_counts(rt) == {e["id"]: 1 for e in everything}
    assert {e["task_id"] for e in everything} == {f"outbox-{e['id']}" for e in everything}
    status = json.loads(cli(env, "outbox", "status", "--json").stdout)
    assert status == {"pending": 0, "published": 0, "done": 4, "failed": 0, "oldest_waiting": None}


def test_broker_messages_carry_ids_only(clean_db, clean_redis, runtime_for):
    rt = runtime_for(clean_db, clean_redis)  # no worker: the message stays in the queue
    case_id = case_in(rt, "assessed", family_name="Գրիգորյան Անի", community="Արզնի")
    prepare(rt, case_id, "enrol")
    event = handle(
        rt,
        AdvanceCase(case_id=case_id, trigger="enrol", actor="w", data={"child": "Գրիգորյան Նարե"}),
    )
    raw = redis.Redis.from_url(clean_redis).lrange("referrals", 0, -1)
    assert len(raw) == 1
    message = json.loads(raw[0])
    args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
    assert (args, kwargs) == ([event.outbox_ids[0]], {})
    assert message["headers"]["task"] == "referrals.notify_partners"
    decoded = raw[0].decode() + base64.b64decode(message["body"]).decode()
    for personal in ("Գրիգորյան", "Արզնի", "\\u0533"):
        assert personal not in decoded


def test_broker_down_at_commit_then_back(clean_db, private_redis, runtime_for, processes, tmp_path):
    broker_url, start_broker, stop_broker = private_redis()
    start_broker()
    env = service_env(clean_db, broker_url, tmp_path / "var")
    processes("worker", env)
    processes("beat", env)
    stop_broker()

    rt = runtime_for(clean_db, broker_url)
    case_id = register(rt, family_name="Ավետիսյան", community="Գառնի")
    prepare(rt, case_id, "assess")
    event = handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w"))
    assert event.to_state == "assessed"  # the transition committed without a broker
    assert queries.outbox_counts(rt)["pending"] == 1

    start_broker()
    wait_for(lambda: all_done(rt), timeout=60, what="the effect to run once the broker is back")
    assert ledger_counts(rt) == {event.outbox_ids[0]: 1}


@pytest.mark.parametrize("fault", ["kill_mid_effect", "kill_after_commit"])
def test_worker_process_killed_during_an_effect(
    fault, clean_db, clean_redis, runtime_for, processes, tmp_path
):
    marker = tmp_path / "fault-fired"
    env = service_env(
        clean_db,
        clean_redis,
        tmp_path / "var",
        HOGATAR_TEST_FAULT=fault,
        HOGATAR_TEST_FAULT_MARKER=str(marker),
    )
    worker = processes("worker", env, app="tests.integration.faulty_worker")
    rt = runtime_for(clean_db, clean_redis)
    case_id = register(rt, family_name="Կարապետյան", community="Եղվարդ")
    prepare(rt, case_id, "assess")
    event = handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w"))

    wait_for(marker.exists, timeout=30, what="the fault to fire")
    worker.wait_for_log("SIGKILL", timeout=30)  # the pool saw its process die
    # The message came back and ran again: mid-effect it applies now, after the commit
    # it finds the ledger row and changes nothing.
    outcome = "'applied'" if fault == "kill_mid_effect" else "'already_applied'"
    worker.wait_for_log(outcome, timeout=60)
    wait_for(lambda: all_done(rt), timeout=60, what="the redelivered effect")
    assert ledger_counts(rt) == {event.outbox_ids[0]: 1}


def test_exhausted_retries_become_an_incident_and_an_operator_retries_it(
    clean_db, clean_broker, runtime_for, processes, tmp_path
):
    repaired = tmp_path / "partner-system-repaired"
    env = service_env(
        clean_db,
        clean_broker,
        tmp_path / "var",
        HOGATAR_EFFECT_MAX_RETRIES="2",
        HOGATAR_TEST_FAULT="fail_until_repaired",
        HOGATAR_TEST_REPAIRED_FILE=str(repaired),
    )
    processes("worker", env, app="tests.integration.faulty_worker")
    processes("beat", env)
    rt = runtime_for(clean_db, clean_broker)
    case_id = register(rt, family_name="Սիմոնյան", community="Բյուրեղավան")
    prepare(rt, case_id, "assess")
    event = handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w"))

    incidents = wait_for(lambda: queries.list_incidents(rt), timeout=60, what="an incident")
    assert incidents[0]["attempts"] == 3 and "injected" in incidents[0]["error"]
    listed = cli(env, "incidents", "list", "--json")
    assert [i["outbox_id"] for i in json.loads(listed.stdout)] == [event.outbox_ids[0]]

    repaired.touch()
    retried = cli(env, "incidents", "retry", str(incidents[0]["id"]), "--actor", "cli:operator-1")
    assert retried.returncode == 0, retried.stderr
    wait_for(lambda: all_done(rt), timeout=30, what="the retried effect")
    assert ledger_counts(rt) == {event.outbox_ids[0]: 1}
    again = cli(env, "incidents", "retry", str(incidents[0]["id"]))
    assert again.returncode == 2 and "not open" in again.stderr


def test_armenian_text_round_trips_in_postgresql(clean_db, runtime_for, clean_redis):
    rt = runtime_for(clean_db, clean_redis)
    name = "Ղազարյան Ծովինար և Արևիկ"
    case_id = handle(
        rt, OpenCase(actor="սոցիալական աշխատող", family_name=name, community="Նոր Հաճն")
    ).case_id
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        assert (case.family_name, case.community) == (name, "Նոր Հաճն")
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 0
