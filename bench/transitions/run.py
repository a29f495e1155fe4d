"""Running the transition benchmark: plan, time budget, phases, clean-up, the doc."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import bench.transitions as package
from bench.transitions.baselines import create_floor_tables
from bench.transitions.common import DOC, PLANS, ROOT, flush_redis, load, recreate_databases
from bench.transitions.phases import Bench
from bench.transitions.report import machine_facts, render, write_doc


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
    parser = argparse.ArgumentParser(description=(package.__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about one minute")
    parser.add_argument(
        "--profile", action="store_true", help="add a cProfile pass of one end-to-end batch"
    )
    parser.add_argument(
        "--no-doc", action="store_true", help=f"print only, leave {DOC.relative_to(ROOT)} alone"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep databases, the Redis db and logs for a look"
    )
    args = parser.parse_args(argv)
    plan = PLANS["quick" if args.quick else "full"]
    given = list(argv) if argv is not None else sys.argv[1:]
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(Path.cwd())
    command = shlex.join([str(python), "bench/transitions", *given])
    work = Path(tempfile.mkdtemp(prefix="hogatar-bench-"))
    bench = Bench(plan, work)
    began = time.monotonic()
    budget = plan.budget + (120 if args.profile else 0)
    try:
        with time_budget(budget):
            print(f"hogatar benchmark, plan {plan.name}; logs in {work}", flush=True)
            recreate_databases()
            create_floor_tables()
            flush_redis()
            facts = machine_facts()
            bench.start_relay()
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
        for name in ("worker-hogatar.log", "worker-bare.log", "worker-floor.log", "relay.log"):
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
