"""Timestamps of task starts and ends, written by the worker's pool processes.

Both bench workers (the Hogatar one and the bare one) load this module, so the two sides
pay exactly the same for the measurement: one ``os.write`` per ``task_prerun`` and per
``task_postrun``. Lines are ``<start|end> <task id> <time.time()>``; the file is named by
``HOGATAR_BENCH_TASK_LOG`` and opened with O_APPEND, so lines of concurrent processes
never interleave.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import task_postrun, task_prerun

ENV = "HOGATAR_BENCH_TASK_LOG"
_fd: dict[int, int] = {}


def _write(kind: str, task_id: str | None) -> None:
    path = os.environ.get(ENV)
    if not path or task_id is None:
        return
    pid = os.getpid()
    fd = _fd.get(pid)
    if fd is None:  # once per pool process, after the fork
        fd = _fd[pid] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, f"{kind} {task_id} {time.time():.6f}\n".encode())


def _row_ids(task_id: str | None, args: Any) -> list[str | None]:
    """A Hogatar message may carry a batch of outbox rows (the relay's): one line per
    row, ``outbox-<id>``, so that each row's start and end can be looked up."""
    if task_id and task_id.startswith("outbox-") and args and len(args) > 1:
        return [f"outbox-{outbox_id}" for outbox_id in args]
    return [task_id]


def _on_prerun(task_id: str | None = None, args: Any = None, **_: Any) -> None:
    for row in _row_ids(task_id, args):
        _write("start", row)


def _on_postrun(task_id: str | None = None, args: Any = None, **_: Any) -> None:
    for row in _row_ids(task_id, args):
        _write("end", row)


def install() -> None:
    task_prerun.connect(_on_prerun, weak=False)
    task_postrun.connect(_on_postrun, weak=False)


def read(path: Path) -> tuple[dict[str, float], dict[str, float]]:
    """(start time by task id, end time by task id); the first start, the last end."""
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    if not path.exists():
        return starts, ends
    for line in path.read_text(encoding="ascii").splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue  # a line being written right now
        kind, task_id, at = parts
        if kind == "start":
            starts.setdefault(task_id, float(at))
        else:
            ends[task_id] = float(at)
    return starts, ends
