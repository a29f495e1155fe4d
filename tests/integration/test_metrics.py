"""`hogatar metrics` on PostgreSQL: a real HTTP scrape of what the engine's rows say."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from tests.integration.conftest import service_env
from tests.programme_fixtures import SOCIAL_WORKER, ensure_staff, prepare, register
from tests.support import ROOT, free_port, wait_for
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.persistence.models import OutboxRow
from workflow.programme.reminders import ReminderRow
from workflow.services import handle

pytestmark = [pytest.mark.postgres]


def scrape(url: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    text = httpx.get(url, timeout=5).text
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_the_metrics_endpoint_reports_the_outbox_incidents_and_latency(
    clean_db, runtime_for, tmp_path
):
    rt = runtime_for(clean_db, "redis://127.0.0.1:1/0")  # no broker: rows stay pending
    ensure_staff(rt)  # the registering social worker is reminded of the enrolment decision
    case_id = register(rt, actor=SOCIAL_WORKER, family_name="Ընտանիք", community="Աբովյան")
    prepare(rt, case_id, "assess")
    first = handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w")).outbox_ids[0]
    with rt.session_factory.begin() as session:  # committed two seconds ago
        session.execute(
            update(OutboxRow).values(created_at=OutboxRow.created_at - timedelta(seconds=2))
        )
    outcome = deliver_effect(rt, outbox_id=first, task_id="t1")
    assert outcome.status == "applied", outcome
    with rt.session_factory.begin() as session:  # the reminder went out and is now overdue
        [reminder] = session.scalars(select(ReminderRow)).all()
        reminder.status, reminder.due_at = "sent", rt.clock.now() - timedelta(hours=1)
        kind = reminder.kind

    port = free_port()
    env = service_env(clean_db, "redis://127.0.0.1:1/0", tmp_path / "var")
    server = subprocess.Popen(
        [sys.executable, "-m", "workflow.cli", "metrics", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/metrics"
    try:

        def up() -> bool:
            try:
                return httpx.get(url, timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, timeout=30, what="hogatar metrics")
        metrics = scrape(url)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert metrics["hogatar_outbox_rows"][(("status", "done"),)] == 1
    assert metrics["hogatar_incidents_open"][()] == 0
    effect = (("effect", "reminders.enrolment_decision_due"),)
    latency = metrics["hogatar_effect_latency_seconds_bucket"]
    assert latency[(*effect, ("le", "1.0"))] == 0  # it took two seconds
    assert latency[(*effect, ("le", "5.0"))] == 1
    assert metrics["hogatar_effect_latency_seconds_count"][effect] == 1
    # The worker's own time on it, apart from the wait.
    assert metrics["hogatar_effect_duration_seconds_count"][effect] == 1
    assert metrics["hogatar_effect_duration_seconds_bucket"][(*effect, ("le", "+Inf"))] == 1
    assert metrics["hogatar_reminders_open"][(("kind", kind), ("status", "sent"))] == 1
    assert metrics["hogatar_reminders_overdue"][(("kind", kind),)] == 1
    transitions = metrics["hogatar_transitions_total"]
    assert transitions[(("trigger", "assess"), ("workflow", "family_case"))] == 1
