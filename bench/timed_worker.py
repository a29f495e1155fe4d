"""The engine's worker app, unchanged, plus task start/end timestamps for the benchmark.

``celery -A bench.timed_worker worker ...`` runs exactly the tasks of ``tasks.worker``.
With ``HOGATAR_BENCH_PROFILE_DIR`` set, each pool process also profiles the CPU time of
its task bodies (cProfile with a process-time clock, on from ``task_prerun`` to
``task_postrun``, once the file ``on`` exists in that folder, i.e. after warm-up) and
writes ``worker-<pid>.pstats`` there every 50 tasks and at exit. The benchmark sets it
only for its separate profiling pass, never while it measures.
"""

from __future__ import annotations

import cProfile
import os
import time
from typing import Any

from celery.signals import task_postrun, task_prerun, worker_process_shutdown

from bench import tasklog
from tasks.worker import app

tasklog.install()

PROFILE_DIR = os.environ.get("HOGATAR_BENCH_PROFILE_DIR")
_state: dict[str, Any] = {}


def _profiler() -> cProfile.Profile:
    if _state.get("pid") != os.getpid():  # one per pool process, made after the fork
        _state.update(pid=os.getpid(), profiler=cProfile.Profile(time.process_time), tasks=0)
    profiler: cProfile.Profile = _state["profiler"]
    return profiler


def _dump() -> None:
    if PROFILE_DIR and _state.get("pid") == os.getpid():
        _state["profiler"].dump_stats(os.path.join(PROFILE_DIR, f"worker-{os.getpid()}.pstats"))


if PROFILE_DIR:

    @task_prerun.connect(weak=False)
    def _profile_on(**_: Any) -> None:
        if os.path.exists(os.path.join(PROFILE_DIR, "on")):
            _profiler().enable()
            _state["active"] = True

    @task_postrun.connect(weak=False)
    def _profile_off(**_: Any) -> None:
        if not _state.pop("active", False):
            return
        _profiler().disable()
        _state["tasks"] += 1
        if _state["tasks"] % 50 == 0:
            _dump()

    @worker_process_shutdown.connect(weak=False)
    def _profile_dump(**_: Any) -> None:
        _dump()


__all__ = ["app"]
