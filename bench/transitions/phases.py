"""The phases of the transition benchmark: (a) committed per second, (b) latency to
task start, (c) committed and done per second, and an optional profile pass. Each
measures Hogatar side by side with its baselines, alternating rounds."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, func, select, text

from bench import tasklog
from bench.bare_app import QUEUE as BARE_QUEUE
from bench.bare_app import make_app as make_bare_app
from bench.bare_app import noop_task
from bench.transitions.baselines import (
    floor_main,
    init_pgbench,
    pgbench,
    producer_main,
)
from bench.transitions.clients import Cycler, Probe, client_main, open_cases
from bench.transitions.common import (
    BENCH_DB,
    BENCH_WORKFLOWS,
    CLIENTS,
    DATABASE_URL,
    EFFECT_QUEUES,
    PGBENCH_DB,
    REDIS_DB,
    REDIS_URL,
    ROOT,
    TARGETS,
    WORKER_CONCURRENCY,
    Group,
    Plan,
    Results,
    Worker,
    bench_settings,
    checkpoint,
    drop_databases,
    flush_redis,
    load,
    percentile,
    verdict,
    wait_for,
)
from bench.transitions.floor_app import QUEUE as FLOOR_QUEUE
from bench.transitions.report import (
    CLIENT_ROOT,
    CLIENT_WATCH,
    WORKER_ROOT,
    WORKER_WATCH,
    summarise_pstats,
)
from workflow.bootstrap import bootstrap
from workflow.persistence.database import normalise_url
from workflow.persistence.models import OutboxRow


class Bench:
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

    # (a) ---------------------------------------------------------------------------

    def throughput(self) -> None:
        say = self.out.say
        plan = self.plan
        self.phase(
            f"(a) committed/s with {CLIENTS} clients; pgbench, the floor and Hogatar alternate,"
            f" {plan.rounds_a} rounds of {plan.seconds:.0f} s each side; no worker runs"
        )
        clients = self.group(  # they start up while pgbench initialises its tables
            client_main,
            lambda i: (
                i, self.var_dir, plan.cases_per_client, plan.seconds, None, plan.rounds_a, None,
            ),
        )  # fmt: skip
        floor = self.group(
            floor_main,
            lambda i: (i, self.var_dir, plan.cases_per_client, plan.seconds, None, plan.rounds_a),
        )
        init_pgbench()
        checkpoint()
        clients.ready()
        floor.ready()
        rounds = []

        def rate(items: list[dict[str, Any]]) -> float:
            elapsed = max(i["ended"] for i in items) - min(i["started"] for i in items)
            return sum(i["transitions"] for i in items) / elapsed

        for round_no in range(plan.rounds_a):
            checkpoint()
            pgbench_tps = pgbench(plan.seconds)
            checkpoint()
            floor_items = floor.round(timeout=plan.seconds + 120)
            checkpoint()
            items = clients.round(timeout=plan.seconds + 120)
            figures = {
                "pgbench_tps": pgbench_tps,
                "floor_tps": rate(floor_items),
                "hogatar_tps": rate(items),
                "floor_cpu_ms": 1000
                * sum(i["cpu_seconds"] for i in floor_items)
                / sum(i["transitions"] for i in floor_items),
            }
            rounds.append(figures | {"items": items})
            say(
                f"    round {round_no + 1}: pgbench {pgbench_tps:7.1f} tps, floor"
                f" {figures['floor_tps']:6.1f}/s, Hogatar {figures['hogatar_tps']:6.1f}"
                f" transitions/s; Hogatar/floor {figures['hogatar_tps'] / figures['floor_tps']:.3f}"
            )
        clients.close()
        floor.close()
        pgbench_tps = statistics.median(r["pgbench_tps"] for r in rounds)
        floor_tps = statistics.median(r["floor_tps"] for r in rounds)
        hogatar_tps = statistics.median(r["hogatar_tps"] for r in rounds)
        ratio = statistics.median(r["hogatar_tps"] / r["floor_tps"] for r in rounds)
        pg_ratio = statistics.median(r["hogatar_tps"] / r["pgbench_tps"] for r in rounds)
        met = ratio >= TARGETS["throughput"]
        say(f"    pgbench -N -c 4 -j 2 (median):  {pgbench_tps:9.1f} tps")
        say(f"    hand-written floor (median):    {floor_tps:9.1f} transitions/s")
        say(f"    Hogatar start/finish (median):  {hogatar_tps:9.1f} transitions/s")
        say(
            f"    ratio Hogatar/floor (median of rounds): {ratio:.3f}  "
            f"(target >= {TARGETS['throughput']}: {verdict(met)}); Hogatar/pgbench {pg_ratio:.3f}"
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
        floor_cpu = statistics.fmean(r["floor_cpu_ms"] for r in rounds)
        queued = self.queued_messages()
        say(
            f"    per transition, mean over the clients: {per['transaction_seconds'] * 1000:.2f}"
            f" ms from handle() to COMMIT returned, {per['after_commit_seconds'] * 1000:.2f} ms"
            f" after it (of which publishing {per['publish_seconds'] * 1000:.2f} ms); client CPU"
            f" {per['cpu_seconds'] * 1000:.2f} ms (floor {floor_cpu:.2f} ms);"
            f" {per['statements']:.1f} SQL statements and {per['commits']:.2f} commits"
        )
        say(f"    messages left in Redis db {REDIS_DB} by (a), then flushed: {queued}")
        self.out.figures["a"] = {
            "pgbench_tps": pgbench_tps,
            "floor_tps": floor_tps,
            "hogatar_tps": hogatar_tps,
            "ratio": ratio,
            "pgbench_ratio": pg_ratio,
            "met": met,
            "rounds": [{k: v for k, v in r.items() if k != "items"} for r in rounds],
            "per_transition": per,
            "floor_cpu_ms": floor_cpu,
            "queued": queued,
        }

    def queued_messages(self) -> int:
        client = redis.Redis.from_url(REDIS_URL)
        queues = [*EFFECT_QUEUES.split(","), FLOOR_QUEUE]
        return sum(int(client.llen(name)) for name in queues)

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

    def floor_done_since(self, watermark: int) -> int:
        engine = create_engine(normalise_url(DATABASE_URL))
        with engine.connect() as connection:
            value = connection.execute(
                text("SELECT count(*) FROM floor_outbox WHERE id > :w AND status <> 'done'"),
                {"w": watermark},
            ).scalar()
        engine.dispose()
        return int(value or 0)

    def floor_watermark(self) -> int:
        engine = create_engine(normalise_url(DATABASE_URL))
        with engine.connect() as connection:
            value = connection.execute(text("SELECT coalesce(max(id), 0) FROM floor_outbox"))
            watermark = int(value.scalar() or 0)
        engine.dispose()
        return watermark

    def floor_round(self, floor: Group) -> dict[str, Any]:
        watermark = self.floor_watermark()
        worker = self.workers["floor"]
        cpu = worker.cpu_seconds()
        items = floor.round(timeout=300)
        ids = [f"floor-{oid}" for item in items for oid in item["outbox_ids"]]
        runs = self.wait_tasks("floor", ids, 300)
        wait_for(lambda: self.floor_done_since(watermark) == 0, 60, "floor rows to be done")
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

    def end_to_end(self) -> None:
        say = self.out.say
        plan = self.plan
        per_client = plan.batch // CLIENTS
        batch = per_client * CLIENTS
        self.phase(
            f"(c) completed/s over a batch of {batch}, {CLIENTS} producing processes, one"
            f" worker per side with --concurrency {WORKER_CONCURRENCY} (prefork, prefetch 1,"
            f" late acks); bare, floor and Hogatar alternate, {plan.rounds_c} rounds"
        )
        watermark = self.outbox_watermark()
        floor_mark = self.floor_watermark()
        producers = self.group(
            producer_main, lambda i: (i, self.var_dir, per_client, plan.rounds_c)
        )
        floor = self.group(
            floor_main,
            lambda i: (i, self.var_dir, plan.cases_per_client, None, per_client, plan.rounds_c),
        )
        clients = self.group(
            client_main,
            lambda i: (
                i, self.var_dir, plan.cases_per_client, None, per_client, plan.rounds_c, None,
            ),
        )  # fmt: skip
        producers.ready()
        floor.ready()
        clients.ready()
        # Warm-up messages of every side are done before any clock starts.
        self.wait_tasks("bare", [f"bare-c-warm-{i}" for i in range(CLIENTS)], 60)
        wait_for(lambda: self.unfinished_since(watermark) == 0, 60, "warm-up effects")
        wait_for(lambda: self.floor_done_since(floor_mark) == 0, 60, "floor warm-up")
        rounds = []
        for round_no in range(plan.rounds_c):
            bare = self.bare_round(producers, round_no, per_client)
            hand = self.floor_round(floor)
            hogatar = self.hogatar_round(clients)
            rounds.append({"bare": bare, "floor": hand, "hogatar": hogatar})
            say(
                f"    round {round_no + 1}: bare {bare['rate']:6.1f} tasks/s; floor"
                f" {hand['rate']:6.1f}/s (committed after {hand['committed_after']:.2f} s, done"
                f" after {hand['done_after']:.2f} s); Hogatar {hogatar['rate']:6.1f}/s"
                f" (committed after {hogatar['committed_after']:.2f} s, done after"
                f" {hogatar['done_after']:.2f} s); Hogatar/floor"
                f" {hogatar['rate'] / hand['rate']:.3f}"
            )
        producers.close()
        floor.close()
        clients.close()

        def median(side: str, key: str = "rate") -> float:
            return statistics.median(r[side][key] for r in rounds)

        def mean(side: str, key: str) -> float:
            return statistics.fmean(r[side][key] for r in rounds)

        ratio = statistics.median(r["hogatar"]["rate"] / r["floor"]["rate"] for r in rounds)
        bare_ratio = statistics.median(r["hogatar"]["rate"] / r["bare"]["rate"] for r in rounds)
        met = ratio >= TARGETS["end_to_end"]
        say(f"    bare no-op (median):                {median('bare'):8.1f} tasks/s")
        say(f"    floor transition+effect (median):   {median('floor'):8.1f} /s")
        say(f"    Hogatar transition+effect (median): {median('hogatar'):8.1f} /s")
        say(
            f"    ratio Hogatar/floor (median of rounds): {ratio:.3f}  "
            f"(target >= {TARGETS['end_to_end']}: {verdict(met)}); Hogatar/bare {bare_ratio:.3f}"
        )
        cpu = {
            side: {"client": mean(side, "client_cpu_ms"), "worker": mean(side, "worker_cpu_ms")}
            for side in ("hogatar", "floor", "bare")
        }
        say(
            "    CPU per message, producing process / worker (main and pool processes):"
            f" Hogatar {cpu['hogatar']['client']:.2f} / {cpu['hogatar']['worker']:.2f} ms,"
            f" floor {cpu['floor']['client']:.2f} / {cpu['floor']['worker']:.2f} ms,"
            f" bare {cpu['bare']['client']:.2f} / {cpu['bare']['worker']:.2f} ms;"
            " PostgreSQL's own CPU not counted"
        )
        self.out.figures["c"] = {
            "batch": batch,
            "bare_rate": median("bare"),
            "floor_rate": median("floor"),
            "hogatar_rate": median("hogatar"),
            "ratio": ratio,
            "bare_ratio": bare_ratio,
            "met": met,
            "rounds": rounds,
            "cpu_ms": cpu,
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
