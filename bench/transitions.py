"""Benchmark of case transitions: throughput, effect latency and end-to-end throughput,
each against a bare baseline measured on the same machine in the same run.

    .venv/bin/python bench/transitions.py            # full run, about 4 minutes
    .venv/bin/python bench/transitions.py --quick    # about 1 minute
    .venv/bin/python bench/transitions.py --profile  # plus a profiled batch (cProfile)

(a) Transitions committed per second by 4 client processes (each its own Runtime, its own
    cases, start/finish cycles of the bench workflow, each with one effect) against
    ``pgbench -N -c 4 -j 2`` on the same server. No worker runs; each commit is still
    published to Redis, as in production.
(b) Commit-to-task-start latency of an effect against ``apply_async``-to-task-start of a
    bare no-op task, one message at a time.
(c) Transitions committed and their effects done, per second over a fixed batch, against
    a bare no-op task with the same worker settings.

It owns PostgreSQL databases ``hogatar_bench`` and ``hogatar_bench_pgbench`` (dropped and
created at the start, dropped at the end) and Redis database 14 (flushed at start and
end), starts its own Celery workers and stops them, and writes its figures between the
``results`` markers of docs/benchmarks.md (the text around them is kept).
"""

# ruff: noqa: E402 - the project root must be on sys.path before the project's imports

from __future__ import annotations

import argparse
import contextlib
import cProfile
import multiprocessing as mp
import os
import platform
import pstats
import queue
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path, and this file's name would
# hide the ``transitions`` library the engine uses: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql://127.0.0.1:5432/test"
PG_HOST, PG_PORT = "127.0.0.1", "5432"
BENCH_DB = "hogatar_bench"
PGBENCH_DB = "hogatar_bench_pgbench"
DATABASE_URL = f"postgresql://{PG_HOST}:{PG_PORT}/{BENCH_DB}"
REDIS_URL = "redis://127.0.0.1:6379/14"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN_MARK = "<!-- results:start (written by bench/transitions.py) -->"
END_MARK = "<!-- results:end -->"

CLIENTS = 4
WORKER_CONCURRENCY = 2
EFFECT_QUEUES = "relay,referrals,reminders,procurement"
TARGETS = {"throughput": 0.5, "latency_p99": 1.2, "end_to_end": 0.7}

# Anything in this process or its children that reads settings from the environment
# (the bare app at import, the spawned clients) sees the benchmark's services only.
os.environ.update(
    HOGATAR_DATABASE_URL=DATABASE_URL,
    HOGATAR_BROKER_URL=REDIS_URL,
    HOGATAR_LOG_LEVEL="INFO",
)

import redis
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine

from bench import tasklog
from bench.bare_app import QUEUE as BARE_QUEUE
from bench.bare_app import make_app as make_bare_app
from bench.bare_app import noop_task
from config.settings import Settings
from workflow.bootstrap import bootstrap
from workflow.commands import AdvanceCase, CaseAdvanced, OpenCase
from workflow.persistence.database import normalise_url
from workflow.persistence.migrate import upgrade
from workflow.persistence.models import OutboxRow
from workflow.relay import OutboxMessage, Publisher
from workflow.runtime import Runtime
from workflow.services import handle


@dataclass(frozen=True)
class Plan:
    name: str
    rounds_a: int  # (a): pgbench and Hogatar alternate, this many times each
    seconds: float  # (a): how long each side runs in each round
    cases_per_client: int  # (a), (c): each client cycles over its own cases
    latency_samples: int  # (b): messages per side
    latency_gap: float  # (b): pause after each message, far above the latency itself
    rounds_c: int  # (c): bare and Hogatar alternate, this many times each
    batch: int  # (c): messages per side and round
    budget: int  # the whole run is aborted (and cleaned up) after this many seconds


PLANS = {
    "quick": Plan("quick", 2, 4, 20, 80, 0.03, 1, 240, budget=240),
    "full": Plan("full", 3, 12, 100, 400, 0.04, 2, 1200, budget=570),
}


# --------------------------------------------------------------------------- clients


#: The bench's own workflow (bench/workflows/bench_cycle.toml): every transition has one
#: effect, so throughput, latency and end-to-end all measure the outbox path.
BENCH_WORKFLOWS = Path(__file__).resolve().parent / "workflows"
BENCH_WORKFLOW = "bench_cycle"


def bench_settings(var_dir: str) -> Settings:
    return Settings(
        database_url=DATABASE_URL,
        broker_url=REDIS_URL,
        var_dir=Path(var_dir),
        workflows_dir=BENCH_WORKFLOWS,
    )


class TimedPublisher:
    """Wraps the runtime's publisher to time the broker part of ``publish_committed``."""

    def __init__(self, inner: Publisher, probe: Probe) -> None:
        self.inner = inner
        self.probe = probe

    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        if self.probe.publish_at is None:
            self.probe.publish_at = time.time()
        started = time.perf_counter()
        try:
            return self.inner.publish(messages)
        finally:
            self.probe.publish_seconds += time.perf_counter() - started


@dataclass
class Probe:
    """Where the time of one ``handle(AdvanceCase)`` goes, measured from outside the engine.

    ``commit_at`` is the wall clock right after the unit of work's COMMIT returned (the
    first ``after_commit`` of the call), before the relay publishes anything.
    """

    commit_at: float | None = None
    publish_at: float | None = None  # wall clock when the relay called the publisher
    transitions: int = 0
    transaction_seconds: float = 0.0  # handle() called -> COMMIT returned
    after_commit_seconds: float = 0.0  # COMMIT returned -> handle() returned
    publish_seconds: float = 0.0  # inside publisher.publish (Redis)
    statements: int = 0  # SQL statements sent through SQLAlchemy (pre-pings not included)
    commits: int = 0

    def attach(self, rt: Runtime) -> None:
        event.listen(rt.session_factory, "after_commit", self._after_commit)
        event.listen(rt.engine, "before_cursor_execute", self._statement)
        rt.publisher = TimedPublisher(rt.publisher, self)

    def reset(self) -> None:
        self.transitions = self.statements = self.commits = 0
        self.transaction_seconds = self.after_commit_seconds = self.publish_seconds = 0.0

    def _after_commit(self, _session: Any) -> None:
        self.commits += 1
        if self.commit_at is None:
            self.commit_at = time.time()

    def _statement(self, *_: Any) -> None:
        self.statements += 1

    def advance(self, rt: Runtime, case_id: int, trigger: str) -> tuple[CaseAdvanced, float]:
        self.commit_at = self.publish_at = None
        started = time.time()
        command = AdvanceCase(
            case_id=case_id,
            trigger=trigger,
            actor="bench",
            reason="bench cycle",
        )
        result = handle(rt, command)
        returned = time.time()
        commit_at = self.commit_at if self.commit_at is not None else returned
        self.transitions += 1
        self.transaction_seconds += commit_at - started
        self.after_commit_seconds += returned - commit_at
        return result, commit_at

    def figures(self) -> dict[str, float]:
        return {
            "transitions": self.transitions,
            "transaction_seconds": self.transaction_seconds,
            "after_commit_seconds": self.after_commit_seconds,
            "publish_seconds": self.publish_seconds,
            "statements": self.statements,
            "commits": self.commits,
        }


class Cycler:
    """start/finish cycles over a client's own cases: a reason guard and one effect each."""

    def __init__(self, case_ids: list[int]) -> None:
        self.states = {case_id: "idle" for case_id in case_ids}
        self.order = list(case_ids)
        self.position = 0

    def next(self) -> tuple[int, str]:
        case_id = self.order[self.position % len(self.order)]
        self.position += 1
        trigger = "start" if self.states[case_id] == "idle" else "finish"
        self.states[case_id] = "busy" if trigger == "start" else "idle"
        return case_id, trigger


def open_cases(rt: Runtime, count: int, label: str) -> list[int]:
    return [
        handle(
            rt,
            OpenCase(
                actor="bench",
                workflow=BENCH_WORKFLOW,
                family_name=f"Bench family {label}-{n}",
                community="Bench",
            ),
        ).case_id
        for n in range(count)
    ]


def client_main(
    index: int,
    var_dir: str,
    cases: int,
    seconds: float | None,
    count: int | None,
    rounds: int,
    profile_path: str | None,
    barrier: Any,
    results: Any,
) -> None:
    """One client process: its own Runtime and cases. Each round starts at the shared
    barrier and runs for ``seconds``, or for ``count`` transitions. With ``profile_path``,
    the rounds run under cProfile with a CPU-time clock, dumped there at the end."""
    try:
        rt = bootstrap(bench_settings(var_dir))
        probe = Probe()
        probe.attach(rt)
        cycler = Cycler(open_cases(rt, cases, f"{os.getpid()}-{index}"))
        for _ in range(20):  # warm up connections, caches, the producer
            probe.advance(rt, *cycler.next())
        profiler = cProfile.Profile(time.process_time) if profile_path else None
        barrier.wait(timeout=300)  # ready
        for round_no in range(rounds):
            probe.reset()
            outbox_ids: list[int] = []
            barrier.wait(timeout=600)  # go
            if profiler is not None:
                profiler.enable()
            cpu = time.process_time()
            started = time.time()
            if seconds is not None:
                deadline = started + seconds
                while time.time() < deadline:
                    probe.advance(rt, *cycler.next())
            else:
                for _ in range(count or 0):
                    result, _ = probe.advance(rt, *cycler.next())
                    outbox_ids.extend(result.outbox_ids)
            ended = time.time()
            cpu = time.process_time() - cpu
            if profiler is not None and profile_path:
                profiler.disable()
                profiler.dump_stats(profile_path)
            results.put(
                {
                    "index": index,
                    "round": round_no,
                    "started": started,
                    "ended": ended,
                    "cpu_seconds": cpu,
                    "outbox_ids": outbox_ids,
                }
                | probe.figures()
            )
        rt.engine.dispose()
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


# --------------------------------------------------------------------------- services


class Group:
    """CLIENTS processes of one kind, kept across rounds; each round starts for all of
    them at once (a barrier with this process as the extra party)."""

    def __init__(
        self, ctx: Any, target: Callable[..., None], args: Callable[[int], tuple[Any, ...]]
    ) -> None:
        self.barrier = ctx.Barrier(CLIENTS + 1)
        self.results = ctx.Queue()
        self.processes = [
            ctx.Process(target=target, args=(*args(i), self.barrier, self.results), daemon=True)
            for i in range(CLIENTS)
        ]
        for process in self.processes:
            process.start()

    def _wait(self, timeout: float) -> None:
        try:
            self.barrier.wait(timeout=timeout)
        except threading.BrokenBarrierError:
            self._raise_child_error()
            raise

    def _raise_child_error(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                item = self.results.get(timeout=2)
                if "error" in item:
                    raise RuntimeError(f"process {item['index']} failed:\n{item['error']}")

    def ready(self) -> None:
        self._wait(180)

    def round(self, timeout: float) -> list[dict[str, Any]]:
        self._wait(60)
        collected: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while len(collected) < CLIENTS:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the clients did not finish their round in time")
            item = self.results.get(timeout=remaining)
            if "error" in item:
                raise RuntimeError(f"process {item['index']} failed:\n{item['error']}")
            collected.append(item)
        return sorted(collected, key=lambda item: item["index"])

    def close(self) -> None:
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.terminate()
                process.join(5)


class Worker:
    """A Celery worker process group of our own, logging to a file."""

    def __init__(self, name: str, app: str, queues: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log_path = log
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            "--queues",
            queues,
            "--concurrency",
            str(WORKER_CONCURRENCY),
            "--hostname",
            f"{name}@%h",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
        ]
        self.popen = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            if self.popen.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited:\n{self.log()[-3000:]}")
            return "ready." in self.log()

        wait_for(ready, timeout, f"worker {self.name} to be ready")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the worker and its pool processes so far."""
        return tree_cpu_seconds(self.popen.pid)

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)
        self._log.close()


def tree_cpu_seconds(root: int) -> float:
    """utime + stime of ``root`` and its descendants, from /proc (Linux)."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = int(fields[11]) + int(fields[12])
    tree = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                changed = True
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


def admin_engine() -> Engine:
    return create_engine(normalise_url(ADMIN_URL), isolation_level="AUTOCOMMIT")


def recreate_databases() -> None:
    admin = admin_engine()
    with admin.connect() as connection:
        for name in (BENCH_DB, PGBENCH_DB):
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(normalise_url(DATABASE_URL))
    upgrade(engine)
    engine.dispose()


def drop_databases() -> None:
    admin = admin_engine()
    with admin.connect() as connection:
        for name in (BENCH_DB, PGBENCH_DB):
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def checkpoint() -> None:
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text("CHECKPOINT"))
    admin.dispose()


def flush_redis() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def run_command(argv: list[str], timeout: float) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


# --------------------------------------------------------------------------- the run


@dataclass
class Results:
    figures: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def say(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)


class Bench:
    def __init__(self, plan: Plan, work: Path) -> None:
        self.plan = plan
        self.work = work
        self.var_dir = str(work / "var")
        self.workers: dict[str, Worker] = {}
        self.groups: list[Group] = []
        self.out = Results()
        self.ctx = mp.get_context("spawn")
        self.task_logs = {"hogatar": work / "hogatar-tasks.log", "bare": work / "bare-tasks.log"}
        self.began = time.monotonic()

    def phase(self, title: str) -> None:
        self.out.say()
        self.out.say(f"[{time.monotonic() - self.began:5.0f} s, {load()}]")
        self.out.say(title)

    def group(self, target: Callable[..., None], args: Callable[[int], tuple[Any, ...]]) -> Group:
        group = Group(self.ctx, target, args)
        self.groups.append(group)
        return group

    # services --------------------------------------------------------------------

    def worker_env(self, task_log: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOGATAR_")}
        env.update(
            HOGATAR_DATABASE_URL=DATABASE_URL,
            HOGATAR_BROKER_URL=REDIS_URL,
            HOGATAR_VAR_DIR=self.var_dir,
            HOGATAR_LOG_LEVEL="INFO",
            HOGATAR_WORKER_CONCURRENCY=str(WORKER_CONCURRENCY),
            HOGATAR_WORKFLOWS_DIR=str(BENCH_WORKFLOWS),
        )
        env[tasklog.ENV] = str(task_log)
        # This checkout's code, also when the virtualenv's editable install points elsewhere.
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
        return env

    def start_workers(self) -> None:
        self.start_hogatar_worker()
        self.workers["bare"] = Worker(
            f"bench-bare-{os.getpid()}",
            "bench.bare_app",
            BARE_QUEUE,
            self.worker_env(self.task_logs["bare"]),
            self.work / "worker-bare.log",
        )
        for worker in self.workers.values():
            worker.wait_ready()

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
            print(f"kept: databases {BENCH_DB}, {PGBENCH_DB} and Redis db 14")
        else:
            with contextlib.suppress(Exception):
                drop_databases()
            with contextlib.suppress(Exception):
                flush_redis()
        if keep_logs:
            print(f"kept: logs in {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    # (a) ---------------------------------------------------------------------------

    def pgbench(self, seconds: float) -> float:
        argv = self.pgbench_argv(seconds)
        output = run_command(argv, timeout=seconds + 60)
        match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", output)
        if match is None:
            raise RuntimeError(f"no tps in pgbench output:\n{output}")
        return float(match.group(1))

    @staticmethod
    def pgbench_argv(seconds: float) -> list[str]:
        return [
            "pgbench", "-h", PG_HOST, "-p", PG_PORT, "-N", "-c", str(CLIENTS), "-j", "2",
            "-T", str(int(seconds)), PGBENCH_DB,
        ]  # fmt: skip

    def throughput(self) -> None:
        say = self.out.say
        plan = self.plan
        self.phase(
            f"(a) committed/s with {CLIENTS} clients; pgbench and Hogatar alternate, "
            f"{plan.rounds_a} rounds of {plan.seconds:.0f} s each side; no worker runs"
        )
        clients = self.group(  # they start up while pgbench initialises its tables
            client_main,
            lambda i: (
                i,
                self.var_dir,
                plan.cases_per_client,
                plan.seconds,
                None,
                plan.rounds_a,
                None,
            ),
        )
        run_command(
            ["pgbench", "-h", PG_HOST, "-p", PG_PORT, "-i", "-s", "10", "-q", PGBENCH_DB],
            timeout=180,
        )
        checkpoint()
        clients.ready()
        rounds = []
        for round_no in range(plan.rounds_a):
            checkpoint()
            pgbench_tps = self.pgbench(plan.seconds)
            checkpoint()
            items = clients.round(timeout=plan.seconds + 120)
            elapsed = max(i["ended"] for i in items) - min(i["started"] for i in items)
            count = sum(i["transitions"] for i in items)
            rounds.append(
                {"pgbench_tps": pgbench_tps, "hogatar_tps": count / elapsed, "items": items}
            )
            say(
                f"    round {round_no + 1}: pgbench {pgbench_tps:8.1f} tps, Hogatar "
                f"{count / elapsed:7.1f} transitions/s ({count} in {elapsed:.1f} s), "
                f"ratio {count / elapsed / pgbench_tps:.3f}"
            )
        clients.close()
        pgbench_tps = statistics.median(r["pgbench_tps"] for r in rounds)
        hogatar_tps = statistics.median(r["hogatar_tps"] for r in rounds)
        ratio = statistics.median(r["hogatar_tps"] / r["pgbench_tps"] for r in rounds)
        met = ratio >= TARGETS["throughput"]
        say(f"    pgbench -N -c 4 -j 2 (median): {pgbench_tps:9.1f} tps")
        say(f"    Hogatar start/finish (median): {hogatar_tps:9.1f} transitions/s")
        say(
            f"    ratio Hogatar/pgbench (median of rounds): {ratio:.3f}  "
            f"(target >= {TARGETS['throughput']}: {verdict(met)})"
        )
        items = [item for r in rounds for item in r["items"]]
        count = sum(i["transitions"] for i in items)
        per = {
            key: sum(i[key] for i in items) / count
            for key in (
                "transaction_seconds",
                "after_commit_seconds",
                "publish_seconds",
                "statements",
                "commits",
                "cpu_seconds",
            )
        }
        queued = self.queued_messages()
        say(
            f"    per transition, mean over the clients: {per['transaction_seconds'] * 1000:.2f}"
            f" ms from handle() to COMMIT returned, {per['after_commit_seconds'] * 1000:.2f} ms"
            f" after it (publish to Redis {per['publish_seconds'] * 1000:.2f} ms, the rest is"
            f" the second transaction marking the row published); client CPU"
            f" {per['cpu_seconds'] * 1000:.2f} ms; {per['statements']:.1f} SQL statements and"
            f" {per['commits']:.1f} commits (plus a pre-ping per checkout)"
        )
        cores = os.cpu_count() or 1
        ceiling = cores / per["cpu_seconds"]
        say(
            f"    CPU-bound ceiling: {cores} cores / {per['cpu_seconds'] * 1000:.2f} ms of client"
            f" CPU per transition = {ceiling:.0f} transitions/s even if PostgreSQL, Redis and"
            f" the rest of the machine cost nothing, i.e. a ratio of at most"
            f" {ceiling / pgbench_tps:.2f} against this pgbench"
        )
        say(f"    messages left in Redis db 14 by (a), then flushed: {queued}")
        self.out.figures["a"] = {
            "pgbench_tps": pgbench_tps,
            "hogatar_tps": hogatar_tps,
            "ratio": ratio,
            "met": met,
            "rounds": [
                {"pgbench_tps": r["pgbench_tps"], "hogatar_tps": r["hogatar_tps"]} for r in rounds
            ],
            "per_transition": per,
            "ceiling_tps": ceiling,
            "queued": queued,
        }

    def queued_messages(self) -> int:
        client = redis.Redis.from_url(REDIS_URL)
        return sum(int(client.llen(name)) for name in EFFECT_QUEUES.split(","))

    # (b) ---------------------------------------------------------------------------

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

    def latency(self) -> None:
        say = self.out.say
        plan = self.plan
        self.phase(
            f"(b) latency to task start: {plan.latency_samples} messages each side, one at a"
            f" time, {plan.latency_gap * 1000:.0f} ms apart, the two sides interleaved"
        )
        settings = bench_settings(self.var_dir)
        rt = bootstrap(settings)
        probe = Probe()
        probe.attach(rt)
        cycler = Cycler(open_cases(rt, 4, "latency"))
        noop = noop_task(make_bare_app(settings))

        handed: dict[str, float] = {}  # Hogatar task id -> when the relay called publish

        def hogatar_once() -> tuple[str, float, float, float]:
            before = time.time()
            result, commit_at = probe.advance(rt, *cycler.next())
            task_id = f"outbox-{result.outbox_ids[0]}"
            handed[task_id] = probe.publish_at or commit_at
            return task_id, commit_at, before, time.time()

        def bare_once(task_id: str) -> tuple[str, float, float, float]:
            before = time.time()
            noop.apply_async(args=[0], task_id=task_id)
            return task_id, before, before, time.time()

        warm_h = []
        warm_b = []
        for n in range(20):  # both pool processes of both workers, connections, caches
            warm_h.append(hogatar_once()[0])
            warm_b.append(bare_once(f"bare-b-warm-{n}")[0])
            time.sleep(plan.latency_gap)
        self.wait_tasks("hogatar", warm_h, 60)
        self.wait_tasks("bare", warm_b, 60)

        samples: dict[str, list[tuple[str, float, float, float]]] = {"hogatar": [], "bare": []}
        for n in range(plan.latency_samples):
            order = ("hogatar", "bare") if n % 2 == 0 else ("bare", "hogatar")
            for side in order:
                if side == "hogatar":
                    samples[side].append(hogatar_once())
                else:
                    samples[side].append(bare_once(f"bare-b-{n}"))
                time.sleep(plan.latency_gap)
        rt.engine.dispose()

        figures: dict[str, Any] = {}
        for side in ("hogatar", "bare"):
            runs = self.wait_tasks(side, [s[0] for s in samples[side]], 60)
            reference = [(runs[s[0]][0] - s[1]) * 1000 for s in samples[side]]
            from_call = [(runs[s[0]][0] - s[2]) * 1000 for s in samples[side]]
            from_return = [(runs[s[0]][0] - s[3]) * 1000 for s in samples[side]]
            if side == "hogatar":
                to_publish = [(handed[s[0]] - s[1]) * 1000 for s in samples[side]]
                from_publish = [(runs[s[0]][0] - handed[s[0]]) * 1000 for s in samples[side]]
                figures["split"] = {
                    "to_publish_p50": percentile(to_publish, 0.5),
                    "to_publish_p99": percentile(to_publish, 0.99),
                    "from_publish_p50": percentile(from_publish, 0.5),
                    "from_publish_p99": percentile(from_publish, 0.99),
                }
            figures[side] = {
                "p50": percentile(reference, 0.5),
                "p90": percentile(reference, 0.9),
                "p99": percentile(reference, 0.99),
                "max": max(reference),
                "call_p50": percentile(from_call, 0.5),
                "call_p99": percentile(from_call, 0.99),
                "return_p50": percentile(from_return, 0.5),
                "return_p99": percentile(from_return, 0.99),
            }
        h, b = figures["hogatar"], figures["bare"]
        ratio = h["p99"] / b["p99"]
        met = ratio <= TARGETS["latency_p99"]
        for label, f in (
            ("Hogatar, COMMIT returned -> task start:", h),
            ("bare, apply_async called -> task start:", b),
        ):
            say(
                f"    {label:41s} p50 {f['p50']:6.2f} ms, p90 {f['p90']:6.2f} ms,"
                f" p99 {f['p99']:6.2f} ms, max {f['max']:6.2f} ms"
            )
        say(
            f"    (Hogatar, handle() called -> task start: p50 {h['call_p50']:.2f} ms, p99"
            f" {h['call_p99']:.2f} ms; handle() returned -> task start: p50"
            f" {h['return_p50']:.2f} ms, p99 {h['return_p99']:.2f} ms)"
        )
        split = figures["split"]
        say(
            f"    (Hogatar split: COMMIT returned -> relay calls the publisher: p50"
            f" {split['to_publish_p50']:.2f} ms, p99 {split['to_publish_p99']:.2f} ms; publisher"
            f" called -> task start: p50 {split['from_publish_p50']:.2f} ms, p99"
            f" {split['from_publish_p99']:.2f} ms)"
        )
        say(
            f"    ratio of p99 Hogatar/bare: {ratio:.2f}  "
            f"(target <= {TARGETS['latency_p99']}: {verdict(met)})"
        )
        self.out.figures["b"] = {
            "hogatar": h,
            "bare": b,
            "split": split,
            "ratio": ratio,
            "met": met,
        }

    # (c) ---------------------------------------------------------------------------

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
        worker = self.workers["hogatar"]
        cpu = worker.cpu_seconds()
        items = clients.round(timeout=300)
        ids = [f"outbox-{oid}" for item in items for oid in item["outbox_ids"]]
        runs = self.wait_tasks("hogatar", ids, 300)
        wait_for(lambda: self.unfinished_since(watermark) == 0, 60, "outbox rows to be done")
        worker_cpu = worker.cpu_seconds() - cpu
        started = min(item["started"] for item in items)
        committed = max(item["ended"] for item in items)
        done = max(end for _, end in runs.values())
        return {
            "rate": len(ids) / (done - started),
            "commit_rate": len(ids) / (committed - started),
            "committed_after": committed - started,
            "done_after": done - started,
            "worker_cpu_ms": worker_cpu * 1000 / len(ids),
            "client_cpu_ms": sum(i["cpu_seconds"] for i in items) * 1000 / len(ids),
        }

    def bare_round(self, producers: Group, round_no: int, per_client: int) -> dict[str, Any]:
        worker = self.workers["bare"]
        cpu = worker.cpu_seconds()
        items = producers.round(timeout=300)
        ids = [f"bare-c-{round_no}-{i}-{n}" for i in range(CLIENTS) for n in range(per_client)]
        runs = self.wait_tasks("bare", ids, 300)
        worker_cpu = worker.cpu_seconds() - cpu
        started = min(item["started"] for item in items)
        sent = max(item["ended"] for item in items)
        done = max(end for _, end in runs.values())
        return {
            "rate": len(ids) / (done - started),
            "sent_after": sent - started,
            "done_after": done - started,
            "worker_cpu_ms": worker_cpu * 1000 / len(ids),
            "client_cpu_ms": sum(i["cpu_seconds"] for i in items) * 1000 / len(ids),
        }

    def end_to_end(self) -> None:
        say = self.out.say
        plan = self.plan
        per_client = plan.batch // CLIENTS
        batch = per_client * CLIENTS
        self.phase(
            f"(c) completed/s over a batch of {batch}, {CLIENTS} producing processes, one"
            f" worker with --concurrency {WORKER_CONCURRENCY} (prefork, prefetch 1, late"
            f" acks); bare and Hogatar alternate, {plan.rounds_c} rounds"
        )
        watermark = self.outbox_watermark()
        producers = self.group(
            producer_main, lambda i: (i, self.var_dir, per_client, plan.rounds_c)
        )
        clients = self.group(
            client_main,
            lambda i: (
                i,
                self.var_dir,
                plan.cases_per_client,
                None,
                per_client,
                plan.rounds_c,
                None,
            ),
        )
        producers.ready()
        clients.ready()
        # Warm-up messages of both sides are done before any clock starts.
        self.wait_tasks("bare", [f"bare-c-warm-{i}" for i in range(CLIENTS)], 60)
        wait_for(lambda: self.unfinished_since(watermark) == 0, 60, "warm-up effects")
        rounds = []
        for round_no in range(plan.rounds_c):
            bare = self.bare_round(producers, round_no, per_client)
            hogatar = self.hogatar_round(clients)
            rounds.append({"bare": bare, "hogatar": hogatar})
            say(
                f"    round {round_no + 1}: bare {bare['rate']:7.1f} tasks/s (sent after"
                f" {bare['sent_after']:.2f} s, run after {bare['done_after']:.2f} s);"
                f" Hogatar {hogatar['rate']:6.1f} transitions+effects/s (committed after"
                f" {hogatar['committed_after']:.2f} s, done after {hogatar['done_after']:.2f} s);"
                f" ratio {hogatar['rate'] / bare['rate']:.3f}"
            )
        producers.close()
        clients.close()
        bare_rate = statistics.median(r["bare"]["rate"] for r in rounds)
        rate = statistics.median(r["hogatar"]["rate"] for r in rounds)
        ratio = statistics.median(r["hogatar"]["rate"] / r["bare"]["rate"] for r in rounds)
        met = ratio >= TARGETS["end_to_end"]

        def mean(side: str, key: str) -> float:
            return statistics.fmean(r[side][key] for r in rounds)

        say(f"    bare no-op (median):             {bare_rate:8.1f} tasks/s")
        say(f"    Hogatar transition+effect (median): {rate:5.1f} /s")
        say(
            f"    ratio Hogatar/bare (median of rounds): {ratio:.3f}  "
            f"(target >= {TARGETS['end_to_end']}: {verdict(met)})"
        )
        say(
            f"    CPU per message: worker {mean('hogatar', 'worker_cpu_ms'):.2f} ms (Hogatar) vs"
            f" {mean('bare', 'worker_cpu_ms'):.2f} ms (bare); producing process"
            f" {mean('hogatar', 'client_cpu_ms'):.2f} ms (Hogatar handle) vs"
            f" {mean('bare', 'client_cpu_ms'):.2f} ms (bare apply_async)"
        )
        hogatar_cpu = mean("hogatar", "worker_cpu_ms") + mean("hogatar", "client_cpu_ms")
        bare_cpu = mean("bare", "worker_cpu_ms") + mean("bare", "client_cpu_ms")
        say(
            f"    client + worker CPU per message: {hogatar_cpu:.2f} ms vs {bare_cpu:.2f} ms"
            f" ({hogatar_cpu / bare_cpu:.1f} times), PostgreSQL's own CPU not counted"
        )
        self.out.figures["c"] = {
            "batch": batch,
            "bare_rate": bare_rate,
            "hogatar_rate": rate,
            "ratio": ratio,
            "met": met,
            "rounds": rounds,
            "cpu_ms": {"hogatar": hogatar_cpu, "bare": bare_cpu},
        }

    # profile -------------------------------------------------------------------------

    def profile_pass(self) -> None:
        say = self.out.say
        per_client = self.plan.batch // CLIENTS
        self.phase(
            "(profile) cProfile with a CPU-time clock during one more Hogatar batch of (c):"
            " client 0 of 4 (whole handle() calls) and the worker's pool processes (task"
            " bodies). Profiling slows what it watches: shares matter here, not milliseconds;"
            " the figures above come from unprofiled runs."
        )
        folder = self.work / "profiles"
        folder.mkdir()
        self.workers.pop("hogatar").stop()
        self.start_hogatar_worker(HOGATAR_BENCH_PROFILE_DIR=str(folder)).wait_ready()
        client_path = folder / "client.pstats"
        watermark = self.outbox_watermark()
        clients = self.group(
            client_main,
            lambda i: (
                i, self.var_dir, self.plan.cases_per_client, None, per_client, 1,
                str(client_path) if i == 0 else None,
            ),
        )  # fmt: skip
        clients.ready()
        wait_for(lambda: self.unfinished_since(watermark) == 0, 60, "warm-up effects")
        (folder / "on").touch()
        self.hogatar_round(clients)
        clients.close()
        self.workers.pop("hogatar").stop()  # pool processes write their profiles at exit
        profiles: dict[str, list[str]] = {}
        if client_path.exists():
            profiles["client"] = summarise_pstats([client_path], CLIENT_ROOT, CLIENT_WATCH)
        worker_paths = sorted(folder.glob("worker-*.pstats"))
        if worker_paths:
            profiles["worker"] = summarise_pstats(worker_paths, WORKER_ROOT, WORKER_WATCH)
        for name, lines in profiles.items():
            say(f"  {name}:")
            for line in lines:
                say("    " + line)
        self.out.figures["profile"] = profiles


# --------------------------------------------------------------------------- profiles

Watch = tuple[str, str, str]  # function name, file it is in (suffix), label

CLIENT_ROOT: Watch = ("handle", "workflow/services.py", "handle(AdvanceCase)")
CLIENT_WATCH: tuple[Watch, ...] = (
    ("advance_case", "workflow/services.py", "advance_case: the transaction"),
    ("load_case", "workflow/services.py", "  load_case: SELECT the case"),
    ("load_family_facts", "workflow/programme/facts.py", "  facts for the guards (6 SELECTs)"),
    ("fire", "workflow/machine.py", "  SharedMachine.fire (transitions library)"),
    ("append_event", "workflow/services.py", "  append_event: UPDATE case, INSERT event"),
    ("commit", "workflow/unit_of_work.py", "  flush of the outbox row + COMMIT"),
    ("publish_committed", "workflow/relay.py", "publish_committed: after the commit"),
    ("send_task", "celery/app/base.py", "  Celery send_task"),
    ("publish", "celery/events/dispatcher.py", "    the task-sent event (task_send_sent_event)"),
    ("_create_client", "kombu/transport/redis.py", "    kombu: a new redis.Redis per publish"),
    ("_mark_published", "workflow/relay.py", "  _mark_published: 2nd transaction"),
    ("begin", "sqlalchemy/orm/session.py", "  session.begin of the 2nd transaction"),
    ("_checkout", "sqlalchemy/pool/base.py", "pool checkouts (incl. pre-ping)"),
    ("do_ping", "sqlalchemy/engine/default.py", "  pre-ping SELECT 1"),
    ("_flush", "sqlalchemy/orm/session.py", "ORM flushes (unit-of-work machinery)"),
    ("commit", "psycopg/connection.py", "COMMITs (psycopg, incl. the wait for fsync)"),
)
WORKER_ROOT: Watch = ("deliver_effect", "workflow/delivery.py", "deliver_effect (task body)")
WORKER_WATCH: tuple[Watch, ...] = (
    ("get", "sqlalchemy/orm/session.py", "session.get: outbox FOR UPDATE, ledger"),
    ("handler", "workflow/effects.py", "effect registry lookup"),
    ("record_inputs", "workflow/programme/effects.py", "the effect handler itself"),
    ("commit", "workflow/unit_of_work.py", "flush (INSERT ledger, UPDATE outbox) + COMMIT"),
    ("_checkout", "sqlalchemy/pool/base.py", "pool checkout (incl. pre-ping)"),
    ("do_ping", "sqlalchemy/engine/default.py", "  pre-ping SELECT 1"),
    ("__exit__", "workflow/unit_of_work.py", "unit of work exit: rollback + close"),
)
AREAS = (
    ("psycopg", ("/psycopg/", "psycopg")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("kombu", ("/kombu/",)),
    ("redis-py", ("/redis/",)),
    ("celery", ("/celery/",)),
    ("transitions", ("/transitions/",)),
    ("Hogatar engine", ("/workflow/", "/tasks/", "/config/")),
    ("sockets", ("socket", "select", "poll")),
)


def summarise_pstats(paths: list[Path], root: Watch, watched: Sequence[Watch]) -> list[str]:
    """CPU shares of watched functions (inclusive, of the root's) and CPU by library."""
    stats = pstats.Stats(*(str(path) for path in paths))
    entries: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]

    def find(name: str, suffix: str) -> tuple[float, int]:
        cumulative, calls = 0.0, 0
        for (file, _, function), (_, ncalls, _, ct, _) in entries.items():
            if function == name and file.endswith(suffix):
                cumulative += ct
                calls += ncalls
        return cumulative, calls

    root_cpu, root_calls = find(root[0], root[1])
    if not root_calls:
        return [f"no calls of {root[2]} were profiled"]
    lines = [
        f"{root_calls} calls of {root[2]}: {root_cpu / root_calls * 1000:.2f} ms CPU each"
        " under the profiler; inclusive share of that:"
    ]
    for name, suffix, label in watched:
        cpu, calls = find(name, suffix)
        if calls:
            lines.append(
                f"  {100 * cpu / root_cpu:5.1f} %  {label} ({calls / root_calls:.1f} per call)"
            )
    by_area: Counter[str] = Counter()
    total = 0.0
    for (file, _, function), (_, _, tottime, _, _) in entries.items():
        where = file if file != "~" else function
        area = next(
            (label for label, needles in AREAS if any(n in where for n in needles)),
            "Python stdlib, builtins",
        )
        by_area[area] += tottime
        total += tottime
    lines.append("CPU by where it is spent (own time of functions, whole profile):")
    lines.append(
        "  " + ", ".join(f"{area} {100 * cpu / total:.0f} %" for area, cpu in by_area.most_common())
    )
    return lines


# --------------------------------------------------------------------------- report


def machine_facts() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, IndexError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    engine = create_engine(normalise_url(ADMIN_URL))
    with engine.connect() as connection:
        pg_version = connection.execute(text("SHOW server_version")).scalar()
        pg_settings = dict(
            connection.execute(
                text(
                    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', "
                    "'synchronous_commit', 'shared_buffers', 'wal_sync_method')"
                )
            ).all()
        )
    engine.dispose()
    redis_version = redis.Redis.from_url(REDIS_URL).info("server").get("redis_version")
    packages = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("celery", "kombu", "redis", "SQLAlchemy", "psycopg", "transitions")
    )
    shared_buffers_mib = int(pg_settings.get("shared_buffers", "0")) * 8 // 1024
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": (
            f"{pg_version} on 127.0.0.1 (TCP), fsync={pg_settings.get('fsync')}, "
            f"synchronous_commit={pg_settings.get('synchronous_commit')}, "
            f"shared_buffers={shared_buffers_mib} MiB, "
            f"wal_sync_method={pg_settings.get('wal_sync_method')}"
        ),
        "redis": f"{redis_version} on 127.0.0.1, database 14",
        "packages": packages,
        "code measured": code_revision(),
        "load at start": load(),
    }


def code_revision() -> str:
    """The commit of the engine measured, and whether its folders had local changes."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("log", "-1", "--format=%h %s")
    if not commit:
        return "unknown (not a git checkout)"
    dirty = git("status", "--porcelain", "--", "workflow", "tasks", "config")
    return f"{commit}" + (" **with uncommitted changes**" if dirty else " (clean)")


def render(plan: Plan, command: str, facts: dict[str, str], out: Results, wall: float) -> str:
    f = out.figures
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        BEGIN_MARK,
        "",
        f"Last run: {when}, plan `{plan.name}`, {wall:.0f} s wall time, from the project root:",
        "",
        "```",
        command,
        "```",
        "",
        "| machine | |",
        "| --- | --- |",
        *(f"| {key} | {value} |" for key, value in facts.items()),
        "",
        "| measurement | Hogatar | baseline | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    if "a" in f:
        a = f["a"]
        lines.append(
            f"| (a) committed/s, {CLIENTS} clients | {a['hogatar_tps']:.0f} transitions/s | "
            f"{a['pgbench_tps']:.0f} tps (`pgbench -N -c 4 -j 2`) | {a['ratio']:.2f} | "
            f">= {TARGETS['throughput']} | {'yes' if a['met'] else '**no**'} |"
        )
    if "b" in f:
        b = f["b"]
        lines.append(
            f"| (b) latency to task start, p99 (p50) | {b['hogatar']['p99']:.2f} ms "
            f"({b['hogatar']['p50']:.2f} ms) | {b['bare']['p99']:.2f} ms "
            f"({b['bare']['p50']:.2f} ms) | {b['ratio']:.2f} | <= {TARGETS['latency_p99']} | "
            f"{'yes' if b['met'] else '**no**'} |"
        )
    if "c" in f:
        c = f["c"]
        lines.append(
            f"| (c) completed/s, batch of {c['batch']} | {c['hogatar_rate']:.0f} "
            f"transitions+effects/s | {c['bare_rate']:.0f} no-op tasks/s | {c['ratio']:.2f} | "
            f">= {TARGETS['end_to_end']} | {'yes' if c['met'] else '**no**'} |"
        )
    lines += ["", "Output of the run:", "", "```", *out.lines, "```", "", END_MARK]
    return "\n".join(lines) + "\n"


DOC_SKELETON = f"""# Benchmarks

Produced by `bench/transitions.py`; see its docstring for what each figure means.

{BEGIN_MARK}
{END_MARK}
"""


def write_doc(section: str) -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_SKELETON
    if BEGIN_MARK not in current or END_MARK not in current:
        current = current.rstrip("\n") + "\n\n" + BEGIN_MARK + "\n" + END_MARK + "\n"
    head, rest = current.split(BEGIN_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(head + section.rstrip("\n") + tail, encoding="utf-8")


# --------------------------------------------------------------------------- main


class BudgetExceeded(Exception):
    pass


@contextlib.contextmanager
def time_budget(seconds: int) -> Iterator[None]:
    def expired(*_: Any) -> None:
        raise BudgetExceeded(f"the benchmark ran past its budget of {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about one minute")
    parser.add_argument(
        "--profile", action="store_true", help="add a cProfile pass of one end-to-end batch"
    )
    parser.add_argument(
        "--no-doc", action="store_true", help=f"print only, leave {DOC.relative_to(ROOT)} alone"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep databases, Redis db 14 and logs for a look"
    )
    args = parser.parse_args(argv)
    plan = PLANS["quick" if args.quick else "full"]
    given = list(argv) if argv is not None else sys.argv[1:]
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(Path.cwd())
    command = shlex.join([str(python), "bench/transitions.py", *given])
    work = Path(tempfile.mkdtemp(prefix="hogatar-bench-"))
    bench = Bench(plan, work)
    began = time.monotonic()
    budget = plan.budget + (120 if args.profile else 0)
    try:
        with time_budget(budget):
            print(f"hogatar benchmark, plan {plan.name}; logs in {work}", flush=True)
            recreate_databases()
            flush_redis()
            facts = machine_facts()
            bench.throughput()
            flush_redis()  # the effects of (a) are not run by anyone: drop their messages
            bench.start_workers()
            bench.latency()
            bench.end_to_end()
            if args.profile:
                bench.profile_pass()
            facts["load during the run"] = (
                f"{facts.pop('load at start')}; at the end {load()}"
                " (other sessions may share this machine)"
            )
    except BaseException:
        print(f"benchmark failed; worker logs: {work}", file=sys.stderr, flush=True)
        for name in ("worker-hogatar.log", "worker-bare.log"):
            path = work / name
            if path.exists():
                tail = path.read_text(errors="replace")[-2000:]
                print(f"--- {name} (tail)\n{tail}", file=sys.stderr)
        bench.cleanup(keep_services=args.keep, keep_logs=True)
        raise
    bench.cleanup(keep_services=args.keep, keep_logs=args.keep)
    wall = time.monotonic() - began
    print(f"\ntotal wall time {wall:.0f} s", flush=True)
    if not args.no_doc:
        write_doc(render(plan, command, facts, bench.out, wall))
        print(f"figures written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
