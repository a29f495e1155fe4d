"""A bare Celery app for baselines: one no-op task, the engine's Celery configuration.

``celery -A bench.bare_app worker --queues bench_bare`` runs it. The configuration is
``config.celery.celery_config`` itself (late acks, prefetch 1, task events, the same
transport options), with one extra queue, so the baseline differs from the engine only
in what the task does and in how the message is produced.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu.entity import Exchange, Queue

from bench import tasklog
from config.celery import celery_config
from config.settings import Settings, get_settings

QUEUE = "bench_bare"
TASK = "bench.noop"


def make_app(settings: Settings) -> Celery:
    app = Celery("hogatar-bench-bare")
    config = celery_config(settings)
    config["task_queues"] = [Queue(QUEUE, Exchange(QUEUE, "direct"), routing_key=QUEUE)]
    config["task_default_queue"] = QUEUE
    config["beat_schedule"] = {}
    app.conf.update(config)

    @app.task(name=TASK, queue=QUEUE, ignore_result=True, shared=False)
    def noop(n: int) -> None:
        return None

    return app


def noop_task(app: Celery) -> Any:
    return app.tasks[TASK]


app = make_app(get_settings())
tasklog.install()
