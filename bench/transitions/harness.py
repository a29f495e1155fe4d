"""What every phase of the transition benchmark stands on: the plan, the results, the
client groups, the three workers (Hogatar, bare Celery, the floor) and their task logs,
and the reads of the outbox and the queues that tell when a round is done."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, func, select

from bench import tasklog
from bench.bare_app import QUEUE as BARE_QUEUE
from bench.transitions.common import (
    BENCH_DB,
    BENCH_WORKFLOWS,
    DATABASE_URL,
    EFFECT_QUEUES,
    PGBENCH_DB,
    REDIS_DB,
    REDIS_URL,
    RELAY,
    ROOT,
    WORKER_CONCURRENCY,
    Group,
    Plan,
    Results,
    Worker,
    drop_databases,
    flush_redis,
    load,
    wait_for,
)
from bench.transitions.floor_app import QUEUE as FLOOR_QUEUE
from workflow.persistence.database import normalise_url
from workflow.persistence.models import OutboxRow


class Harness:
    def __init__(self, plan: Plan, work: Path) -> None:
        self.plan = plan
        self.work = work
        self.var_dir = str(work / "var")
        self.workers: dict[str, Worker] = {}
        self.groups: list[Group] = []
        self.out = Results()
        self.ctx = mp.get_context("spawn")
        self.task_logs = {side: work / f"{side}-tasks.log" for side in ("hogatar", "bare", "floor")}
        self.began = time.monotonic()

    def phase(self, title: str) -> None:
        self.out.say()
        self.out.say(f"[{time.monotonic() - self.began:5.0f} s, {load()}]")
        self.out.say(title)

    def group(self, target: Callable[..., None], args: Callable[[int], tuple[Any, ...]]) -> Group:
        group = Group(self.ctx, target, args)
        self.groups.append(group)
        return group

    def worker_env(self, task_log: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOGATAR_")}
        env.update(
            HOGATAR_DATABASE_URL=DATABASE_URL,
            HOGATAR_BROKER_URL=REDIS_URL,
            HOGATAR_VAR_DIR=self.var_dir,
            HOGATAR_LOG_LEVEL="INFO",
            HOGATAR_WORKER_CONCURRENCY=str(WORKER_CONCURRENCY),
            HOGATAR_WORKFLOWS_DIR=str(BENCH_WORKFLOWS),
            HOGATAR_RELAY=RELAY,
        )
        env[tasklog.ENV] = str(task_log)
        # This checkout's code, also when the virtualenv's editable install points elsewhere.
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
        return env

    def start_workers(self) -> None:
        self.start_hogatar_worker()
        if "relay" not in self.workers:
            self.start_relay()
        for side, app, queue in (
            ("bare", "bench.bare_app", BARE_QUEUE),
            ("floor", "bench.transitions.floor_app", FLOOR_QUEUE),
        ):
            self.workers[side] = Worker(
                f"bench-{side}-{os.getpid()}",
                app,
                queue,
                self.worker_env(self.task_logs[side]),
                self.work / f"worker-{side}.log",
            )
        for name, worker in self.workers.items():
            if name != "relay":
                worker.wait_ready()

    def start_relay(self) -> Worker | None:
        """With ``HOGATAR_RELAY=process``, Hogatar's relay process (its CPU counts as the
        clients'); for the whole run, so it is warm and idle while the others run."""
        if RELAY != "process":
            return None
        relay = self.workers["relay"] = Worker(
            f"bench-relay-{os.getpid()}",
            "",
            "",
            self.worker_env(self.work / "relay-tasks.log"),
            self.work / "relay.log",
            argv=[sys.executable, "-m", "workflow.cli", "relay"],
            ready="relay: publishing outbox rows",
        )
        relay.wait_ready()
        return relay

    def relay_cpu_seconds(self) -> float:
        relay = self.workers.get("relay")
        return relay.cpu_seconds() if relay is not None else 0.0

    def start_hogatar_worker(self, **extra_env: str) -> Worker:
        env = self.worker_env(self.task_logs["hogatar"])
        env.update(extra_env)
        worker = self.workers["hogatar"] = Worker(
            f"bench-hogatar-{os.getpid()}",
            "bench.timed_worker",
            EFFECT_QUEUES,
            env,
            self.work / "worker-hogatar.log",
        )
        return worker

    def cleanup(self, *, keep_services: bool, keep_logs: bool) -> None:
        for group in self.groups:
            with contextlib.suppress(Exception):
                group.barrier.abort()
            group.close()
        for worker in self.workers.values():
            worker.stop()
        self.workers.clear()
        if keep_services:
            print(f"kept: databases {BENCH_DB}, {PGBENCH_DB} and Redis db {REDIS_DB}")
        else:
            with contextlib.suppress(Exception):
                drop_databases()
            with contextlib.suppress(Exception):
                flush_redis()
        if keep_logs:
            print(f"kept: logs in {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def queued_messages(self) -> int:
        client = redis.Redis.from_url(REDIS_URL)
        queues = [*EFFECT_QUEUES.split(","), FLOOR_QUEUE]
        return sum(int(client.llen(name)) for name in queues)

    def wait_tasks(
        self, side: str, ids: Sequence[str], timeout: float
    ) -> dict[str, tuple[float, float]]:
        wanted = set(ids)

        def finished() -> dict[str, tuple[float, float]] | None:
            starts, ends = tasklog.read(self.task_logs[side])
            if wanted <= starts.keys() and wanted <= ends.keys():
                return {i: (starts[i], ends[i]) for i in wanted}
            return None

        result: dict[str, tuple[float, float]] = wait_for(
            finished, timeout, f"{len(wanted)} {side} tasks to run"
        )
        return result

    def outbox_watermark(self) -> int:
        engine = create_engine(normalise_url(DATABASE_URL))
        with engine.connect() as connection:
            value = connection.execute(select(func.coalesce(func.max(OutboxRow.id), 0))).scalar()
        engine.dispose()
        return int(value or 0)

    def unfinished_since(self, watermark: int) -> int:
        engine = create_engine(normalise_url(DATABASE_URL))
        with engine.connect() as connection:
            value = connection.execute(
                select(func.count())
                .select_from(OutboxRow)
                .where(OutboxRow.id > watermark, OutboxRow.status != "done")
            ).scalar()
        engine.dispose()
        return int(value or 0)

    def hogatar_round(self, clients: Group) -> dict[str, Any]:
        watermark = self.outbox_watermark()
        return self.measured_round(
            clients,
            worker_name="hogatar",
            task_prefix="outbox-",
            unfinished=lambda: self.unfinished_since(watermark),
        )

    def measured_round(
        self,
        group: Group,
        *,
        worker_name: str,
        task_prefix: str,
        unfinished: Callable[[], int],
    ) -> dict[str, Any]:
        """One round of GROUP's clients, timed from the first start to the last effect done,
        with the consumer's and the clients' CPU per effect; the same for every contender."""
        worker = self.workers[worker_name]
        cpu = worker.cpu_seconds()
        relay_cpu = self.relay_cpu_seconds() if worker_name == "hogatar" else 0.0
        items = group.round(timeout=300)
        ids = [f"{task_prefix}{oid}" for item in items for oid in item["outbox_ids"]]
        runs = self.wait_tasks(worker_name, ids, 300)
        wait_for(lambda: unfinished() == 0, 60, f"{worker_name} rows to be done")
        worker_cpu = worker.cpu_seconds() - cpu
        if worker_name == "hogatar":
            relay_cpu = self.relay_cpu_seconds() - relay_cpu
        started = min(item["started"] for item in items)
        committed = max(item["ended"] for item in items)
        done = max(end for _, end in runs.values())
        return {
            "rate": len(ids) / (done - started),
            "commit_rate": len(ids) / (committed - started),
            "committed_after": committed - started,
            "done_after": done - started,
            "worker_cpu_ms": worker_cpu * 1000 / len(ids),
            # The relay process publishes for the clients: its CPU is theirs.
            "client_cpu_ms": (sum(i["cpu_seconds"] for i in items) + relay_cpu) * 1000 / len(ids),
            "relay_cpu_ms": relay_cpu * 1000 / len(ids),
        }
