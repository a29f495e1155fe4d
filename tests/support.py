"""Helpers shared by the test tiers: fakes for unit tests, service discovery and
process handling for integration tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from workflow.outbox import OutboxMessage
from workflow.relay import BrokerUnavailable

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ROOT = Path(__file__).resolve().parent.parent


def service_missing(name: str, why: str) -> None:
    """In CI a missing service is a failure; on a laptop it is a skip with the reason."""
    message = f"{name} is not available ({why})"
    if IN_CI:
        pytest.fail(f"{message}; CI requires it", pytrace=False)
    pytest.skip(message)


class RecordingPublisher:
    """A broker stand-in for unit tests: keeps what it was given, can be switched off."""

    def __init__(self) -> None:
        self.sent: list[OutboxMessage] = []
        self.available = True

    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        if not self.available:
            raise BrokerUnavailable("broker switched off by the test")
        self.sent.extend(messages)
        return list(messages)


def commit_effect(rt: Any, case_id: int, effect: str, payload: dict[str, Any]) -> int:
    """One outbox row committed in a transaction of its own, as a transition commits it
    (no publish: the test says who publishes); returns its id."""
    from workflow.services import enqueue_effect

    with rt.unit_of_work() as uow:
        row = enqueue_effect(
            rt,
            uow,
            case_id=case_id,
            event_id=None,
            effect=effect,
            payload=payload,
            now=rt.clock.now(),
        )
        uow.commit()
    return row.outbox_id


def wait_for(
    predicate: Callable[[], Any], *, timeout: float, interval: float = 0.1, what: str = ""
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


def port_open(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), 1.0):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """A child process whose output goes to a log file the test can read."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            argv,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, needle: str, timeout: float = 30.0) -> None:
        def seen() -> bool:
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited early:\n{self.log()[-3000:]}")
            return needle in self.log()

        wait_for(seen, timeout=timeout, what=f"{needle!r} in the {self.name} log")

    def kill_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self) -> None:
        if self.popen.poll() is None:
            import signal

            self.kill_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill_group(signal.SIGKILL)
                self.popen.wait(timeout=5)
        self._log.close()


def celery_argv(app_module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", app_module, *args]
