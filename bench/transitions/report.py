"""What the transition benchmark reports: profile summaries, the machine, the code
measured, and the results section of docs/benchmarks.md."""

from __future__ import annotations

import contextlib
import os
import platform
import pstats
import subprocess
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, text

from bench.transitions.common import (
    ADMIN_URL,
    BEGIN_MARK,
    CLIENTS,
    DOC,
    END_MARK,
    REDIS_DB,
    REDIS_URL,
    ROOT,
    TARGETS,
    Plan,
    Results,
    load,
)
from workflow.persistence.database import normalise_url

Watch = tuple[str, str, str]  # function name, file it is in (suffix), label

CLIENT_ROOT: Watch = ("handle", "workflow/services.py", "handle(AdvanceCase)")
CLIENT_WATCH: tuple[Watch, ...] = (
    ("advance_case", "workflow/services.py", "advance_case: the transaction"),
    ("load_case", "workflow/services.py", "  load_case: SELECT the case"),
    ("load_family_facts", "workflow/programme/facts.py", "  facts for the guards (6 SELECTs)"),
    ("fire", "workflow/machine.py", "  SharedMachine.fire (transitions library)"),
    ("write_transition", "workflow/services.py", "  write_transition: case, event, outbox rows"),
    ("append_event", "workflow/services.py", "  append_event: UPDATE case, INSERT event"),
    ("enqueue_effect", "workflow/services.py", "  enqueue_effect: INSERT outbox row"),
    ("commit", "workflow/unit_of_work.py", "  UnitOfWork.commit: flush + COMMIT"),
    ("publish_committed", "workflow/relay.py", "publish_committed: after the commit"),
    ("send_task", "celery/app/base.py", "  Celery send_task"),
    ("publish", "celery/events/dispatcher.py", "    the task-sent event (task_send_sent_event)"),
    ("_create_client", "kombu/transport/redis.py", "    kombu: a new redis.Redis per publish"),
    ("_mark_published", "workflow/relay.py", "  _mark_published: inline mark (SQLite)"),
    ("add", "workflow/publish_marks.py", "  queueing the batched publish mark"),
    ("_checkout", "sqlalchemy/pool/base.py", "pool checkouts"),
    ("_ping_if_idle", "workflow/persistence/database.py", "  idle check (ping after 10 s)"),
    ("_flush", "sqlalchemy/orm/session.py", "ORM flushes (unit-of-work machinery)"),
    ("commit", "psycopg/connection.py", "COMMITs (psycopg, incl. the wait for fsync)"),
)
WORKER_ROOT: Watch = ("deliver_effect", "workflow/delivery.py", "deliver_effect (task body)")
WORKER_WATCH: tuple[Watch, ...] = (
    ("notify_partners", "workflow/programme/referrals/effects.py", "the effect handler"),
    ("get", "sqlalchemy/orm/session.py", "  of which session.get (the handler reads the case)"),
    ("handler", "workflow/runtime.py", "effect registry lookup"),
    ("commit", "workflow/unit_of_work.py", "UnitOfWork.commit: flush + COMMIT"),
    ("_checkout", "sqlalchemy/pool/base.py", "pool checkout"),
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
        "redis": f"{redis_version} on 127.0.0.1, database {REDIS_DB}",
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


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"


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
            f"| (a) committed/s, {CLIENTS} clients | {a['hogatar_tps']:.0f} /s | "
            f"floor {a['floor_tps']:.0f} /s (pgbench {a['pgbench_tps']:.0f} tps, ratio "
            f"{a['pgbench_ratio']:.2f}) | {a['ratio']:.2f} | >= {TARGETS['throughput']} | "
            f"{_yes(a['met'])} |"
        )
    if "b" in f:
        b = f["b"]
        lines.append(
            f"| (b) latency to task start, p99 (p50) | {b['hogatar']['p99']:.2f} ms "
            f"({b['hogatar']['p50']:.2f} ms) | bare Celery {b['bare']['p99']:.2f} ms "
            f"({b['bare']['p50']:.2f} ms) | {b['ratio']:.2f} | <= {TARGETS['latency_p99']} | "
            f"{_yes(b['met'])} |"
        )
    if "c" in f:
        c = f["c"]
        lines.append(
            f"| (c) committed and done/s, batch of {c['batch']} | {c['hogatar_rate']:.0f} /s | "
            f"floor {c['floor_rate']:.0f} /s (bare no-op {c['bare_rate']:.0f} /s, ratio "
            f"{c['bare_ratio']:.2f}) | {c['ratio']:.2f} | >= {TARGETS['end_to_end']} | "
            f"{_yes(c['met'])} |"
        )
        cpu = c["cpu_ms"]
        for who, key, label in (
            ("client", "client_cpu_ms", "client CPU per transition"),
            ("worker", "worker_cpu_ms", "consumer CPU per effect"),
        ):
            mine, floor = cpu["hogatar"][who], cpu["floor"][who]
            lines.append(
                f"| {label} (c) | {mine:.2f} ms | floor {floor:.2f} ms | {mine / floor:.2f} | "
                f"<= {TARGETS[key]} ms | {_yes(mine <= TARGETS[key])} |"
            )
    if "a" in f:
        per = f["a"]["per_transition"]
        lines.append(
            f"| DB transactions per transition (a) | {per['commits']:.2f} | floor 1 | "
            f"{per['commits']:.2f} | 1 | {_yes(per['commits'] <= 1.05)} |"
        )
    lines += ["", "Output of the run:", "", "```", *out.lines, "```", "", END_MARK]
    return "\n".join(lines) + "\n"


DOC_SKELETON = f"""# Benchmarks

Produced by `bench/transitions`; see its docstring for what each figure means.

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
