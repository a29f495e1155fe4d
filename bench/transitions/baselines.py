"""The baselines measured in the same run as Hogatar:

- pgbench (``-N -c 4 -j 2``): what PostgreSQL commits with a C client and no broker;
- bare Celery: ``apply_async`` of a no-op task, and its worker, with the engine's Celery
  configuration;
- the hand-written floor: psycopg 3, one transaction per transition (compare-and-set
  the case, insert the event, insert the outbox row), then ``send_task`` of the outbox
  id; its worker (``bench.transitions.floor_app``) locks the row, inserts the effect and
  marks the row done. Its own tables in the bench database, same Celery settings.
"""

from __future__ import annotations

import re
import time
import traceback
from typing import Any

import psycopg
from celery import Celery

from bench.bare_app import make_app as make_bare_app
from bench.bare_app import noop_task
from bench.transitions.common import (
    CLIENTS,
    DATABASE_URL,
    PG_HOST,
    PG_PORT,
    PGBENCH_DB,
    bench_settings,
    run_command,
)
from bench.transitions.floor_app import QUEUE as FLOOR_QUEUE
from bench.transitions.floor_app import TASK as FLOOR_TASK
from bench.transitions.floor_app import make_app as make_floor_app

FLOOR_SCHEMA = """
CREATE TABLE floor_cases (
    id bigserial PRIMARY KEY, state text NOT NULL, version integer NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE TABLE floor_events (
    id bigserial PRIMARY KEY, case_id bigint NOT NULL REFERENCES floor_cases (id),
    version integer NOT NULL, trigger text NOT NULL, from_state text, to_state text NOT NULL,
    actor text NOT NULL, at timestamptz NOT NULL, reason text, data jsonb NOT NULL,
    UNIQUE (case_id, version)
);
CREATE TABLE floor_outbox (
    id bigserial PRIMARY KEY, case_id bigint REFERENCES floor_cases (id),
    event_id bigint REFERENCES floor_events (id), effect text NOT NULL,
    payload jsonb NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE TABLE floor_effects (
    outbox_id bigint PRIMARY KEY REFERENCES floor_outbox (id), applied_at timestamptz NOT NULL
);
"""


def create_floor_tables() -> None:
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute(FLOOR_SCHEMA)


def pgbench_argv(seconds: float) -> list[str]:
    return [
        "pgbench", "-h", PG_HOST, "-p", PG_PORT, "-N", "-c", str(CLIENTS), "-j", "2",
        "-T", str(int(seconds)), PGBENCH_DB,
    ]  # fmt: skip


def init_pgbench() -> None:
    run_command(
        ["pgbench", "-h", PG_HOST, "-p", PG_PORT, "-i", "-s", "10", "-q", PGBENCH_DB],
        timeout=180,
    )


def pgbench(seconds: float) -> float:
    output = run_command(pgbench_argv(seconds), timeout=seconds + 60)
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", output)
    if match is None:
        raise RuntimeError(f"no tps in pgbench output:\n{output}")
    return float(match.group(1))


class FloorClient:
    """One transition the hand-written way: one transaction, then ``send_task``."""

    def __init__(self, app: Celery, cases: int) -> None:
        self.app = app
        self.conn = psycopg.connect(DATABASE_URL)
        with self.conn.transaction(), self.conn.cursor() as cur:
            self.case_ids = [
                int(
                    cur.execute(  # type: ignore[index]
                        "INSERT INTO floor_cases (state, version, updated_at)"
                        " VALUES ('idle', 1, now()) RETURNING id"
                    ).fetchone()[0]
                )
                for _ in range(cases)
            ]
        self.versions = dict.fromkeys(self.case_ids, 1)
        self.states = dict.fromkeys(self.case_ids, "idle")
        self.position = 0

    def advance(self) -> int:
        case_id = self.case_ids[self.position % len(self.case_ids)]
        self.position += 1
        trigger, to_state = (
            ("start", "busy") if self.states[case_id] == "idle" else ("finish", "idle")
        )
        version = self.versions[case_id]
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                "UPDATE floor_cases SET state = %s, version = version + 1, updated_at = now()"
                " WHERE id = %s AND version = %s",
                (to_state, case_id, version),
            )
            if cur.rowcount != 1:
                raise RuntimeError(f"floor case {case_id} changed by someone else")
            event_id = cur.execute(
                "INSERT INTO floor_events (case_id, version, trigger, from_state, to_state,"
                " actor, at, reason, data) VALUES (%s, %s, %s, %s, %s, 'bench', now(),"
                " 'bench cycle', '{}') RETURNING id",
                (case_id, version + 1, trigger, self.states[case_id], to_state),
            ).fetchone()[0]  # type: ignore[index]
            outbox_id = cur.execute(
                "INSERT INTO floor_outbox (case_id, event_id, effect, payload, status,"
                " created_at) VALUES (%s, %s, %s, %s, 'pending', now()) RETURNING id",
                (case_id, event_id, FLOOR_TASK, f'{{"case_id": {case_id}}}'),
            ).fetchone()[0]  # type: ignore[index]
        self.versions[case_id] = version + 1
        self.states[case_id] = to_state
        self.app.send_task(
            FLOOR_TASK, args=[outbox_id], queue=FLOOR_QUEUE, task_id=f"floor-{outbox_id}"
        )
        return int(outbox_id)


def floor_main(
    index: int,
    var_dir: str,
    cases: int,
    seconds: float | None,
    count: int | None,
    rounds: int,
    barrier: Any,
    results: Any,
) -> None:
    """One floor client process, run like a Hogatar client: for ``seconds`` or ``count``."""
    try:
        client = FloorClient(make_floor_app(bench_settings(var_dir)), cases)
        for _ in range(20):
            client.advance()
        barrier.wait(timeout=300)
        for round_no in range(rounds):
            outbox_ids: list[int] = []
            transitions = 0
            barrier.wait(timeout=600)
            cpu = time.process_time()
            started = time.time()
            if seconds is not None:
                deadline = started + seconds
                while time.time() < deadline:
                    client.advance()
                    transitions += 1
            else:
                for _ in range(count or 0):
                    outbox_ids.append(client.advance())
                    transitions += 1
            ended = time.time()
            results.put(
                {
                    "index": index,
                    "round": round_no,
                    "started": started,
                    "ended": ended,
                    "cpu_seconds": time.process_time() - cpu,
                    "transitions": transitions,
                    "outbox_ids": outbox_ids,
                }
            )
        client.conn.close()
    except BaseException:
        results.put({"index": index, "error": traceback.format_exc()})
        barrier.abort()
        raise


def producer_main(
    index: int, var_dir: str, count: int, rounds: int, barrier: Any, results: Any
) -> None:
    """One bare producer process: ``apply_async`` of the no-op task, as fast as it can.
    Task ids are ``bare-c-<round>-<producer>-<n>``."""
    try:
        app = make_bare_app(bench_settings(var_dir))
        noop = noop_task(app)
        noop.apply_async(args=[-1], task_id=f"bare-c-warm-{index}")
        barrier.wait(timeout=300)
        for round_no in range(rounds):
            barrier.wait(timeout=600)
            cpu = time.process_time()
            started = time.time()
            for n in range(count):
                noop.apply_async(args=[n], task_id=f"bare-c-{round_no}-{index}-{n}")
            ended = time.time()
            results.put(
                {
                    "index": index,
                    "round": round_no,
                    "started": started,
                    "ended": ended,
                    "cpu_seconds": time.process_time() - cpu,
                }
            )
    except BaseException:
        results.put({"index": index, "error": traceback.format_exc()})
        barrier.abort()
        raise
