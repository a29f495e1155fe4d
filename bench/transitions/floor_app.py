"""The hand-written floor's worker: a Celery app with the engine's Celery configuration
and one task that applies an effect exactly once with plain psycopg 3.

``celery -A bench.transitions.floor_app worker --queues bench_floor`` runs it. The task
locks the outbox row, inserts the effect row (its primary key is the outbox id) and marks
the row done, in one transaction on a connection kept per pool process: what any outbox
consumer must do at the least, without validation, registries or a state machine.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
from celery import Celery
from kombu.entity import Exchange, Queue

from bench import tasklog
from config.celery import celery_config
from config.settings import Settings, get_settings

QUEUE = "bench_floor"
TASK = "floor.apply"
_connection: dict[str, Any] = {}


def connection() -> psycopg.Connection[Any]:
    if _connection.get("pid") != os.getpid():  # one per pool process, made after the fork
        url = get_settings().database_url.replace("postgresql+psycopg://", "postgresql://")
        _connection.update(pid=os.getpid(), conn=psycopg.connect(url))
    conn: psycopg.Connection[Any] = _connection["conn"]
    return conn


def apply(outbox_id: int) -> str:
    conn = connection()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT status FROM floor_outbox WHERE id = %s FOR UPDATE", (outbox_id,))
        row = cur.fetchone()
        if row is None or row[0] == "done":
            return "already_applied"
        cur.execute(
            "INSERT INTO floor_effects (outbox_id, applied_at) VALUES (%s, now())", (outbox_id,)
        )
        cur.execute(
            "UPDATE floor_outbox SET status = 'done', finished_at = now() WHERE id = %s",
            (outbox_id,),
        )
    return "applied"


def make_app(settings: Settings) -> Celery:
    app = Celery("hogatar-bench-floor")
    config = celery_config(settings)
    config["task_queues"] = [Queue(QUEUE, Exchange(QUEUE, "direct"), routing_key=QUEUE)]
    config["task_default_queue"] = QUEUE
    config["beat_schedule"] = {}
    app.conf.update(config)
    app.task(name=TASK, queue=QUEUE, ignore_result=True, shared=False)(apply)
    return app


app = make_app(get_settings())
tasklog.install()
