"""The Hogatar client processes of the benchmark: each its own Runtime and cases,
driving ``handle(AdvanceCase)``, with a probe that says where the time goes."""

from __future__ import annotations

import cProfile
import os
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from bench.transitions.common import BENCH_WORKFLOW, bench_settings
from workflow.bootstrap import bootstrap
from workflow.commands import AdvanceCase, CaseAdvanced, OpenCase
from workflow.outbox import OutboxMessage
from workflow.relay import Publisher
from workflow.runtime import Runtime
from workflow.services import handle


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
