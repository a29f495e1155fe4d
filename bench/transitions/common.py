"""Shared pieces of the transition benchmark: the plan, the services it owns, process
groups and workers, and small helpers."""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

ADMIN_URL = "postgresql://127.0.0.1:5432/test"
PG_HOST, PG_PORT = "127.0.0.1", "5432"
BENCH_DB = "bench_engine"
PGBENCH_DB = "bench_engine_pgbench"
DATABASE_URL = f"postgresql://{PG_HOST}:{PG_PORT}/{BENCH_DB}"
REDIS_DB = 9
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN_MARK = "<!-- results:start (written by bench/transitions) -->"
END_MARK = "<!-- results:end -->"

CLIENTS = 4
WORKER_CONCURRENCY = 2
EFFECT_QUEUES = "relay,referrals,reminders,procurement"

#: Targets of issue 12, each a ratio measured in this run (or an absolute CPU budget).
TARGETS = {
    "throughput": 1.0,  # (a) Hogatar / floor
    "latency_p99": 1.2,  # (b) Hogatar / bare Celery
    "end_to_end": 1.0,  # (c) Hogatar / floor
    "client_cpu_ms": 1.2,
    "worker_cpu_ms": 2.0,
}

# Anything in this process or its children that reads settings from the environment
# (the bare app at import, the spawned clients) sees the benchmark's services only.
os.environ.update(
    HOGATAR_DATABASE_URL=DATABASE_URL,
    HOGATAR_BROKER_URL=REDIS_URL,
    HOGATAR_LOG_LEVEL="INFO",
)

import redis  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from config.settings import Settings  # noqa: E402
from workflow.persistence.database import normalise_url  # noqa: E402
from workflow.persistence.migrate import upgrade  # noqa: E402


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


#: The bench's own workflow (bench/workflows/bench_cycle.toml): every transition has one
#: effect, so throughput, latency and end-to-end all measure the outbox path.
BENCH_WORKFLOWS = ROOT / "bench" / "workflows"
BENCH_WORKFLOW = "bench_cycle"


#: The configuration measured: the engine's default (``inline``: each client publishes
#: after its commit), or with ``HOGATAR_BENCH_RELAY=process`` a relay process publishing
#: for the clients (its CPU counted as theirs).
RELAY = os.environ.get("HOGATAR_BENCH_RELAY", "inline")


def bench_settings(var_dir: str) -> Settings:
    return Settings(
        database_url=DATABASE_URL,
        broker_url=REDIS_URL,
        var_dir=Path(var_dir),
        workflows_dir=BENCH_WORKFLOWS,
        relay=RELAY,  # type: ignore[arg-type]
        worker_concurrency=WORKER_CONCURRENCY,
    )


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

    def __init__(
        self,
        name: str,
        app: str,
        queues: str,
        env: dict[str, str],
        log: Path,
        *,
        argv: list[str] | None = None,
        ready: str = "ready.",
    ) -> None:
        self.name = name
        self.log_path = log
        self.ready_line = ready
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        argv = argv or [
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
            return self.ready_line in self.log()

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


@dataclass
class Results:
    figures: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def say(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)
