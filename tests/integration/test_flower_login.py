"""A real Flower as `hogatar flower` starts it: its pages and its /metrics need the
operator's login; /healthcheck, which says only "OK", answers anyone (Flower exempts
both from its basic auth; workflow/flower_entry.py puts /metrics back behind it)."""

from __future__ import annotations

import base64
import sys
import urllib.error
import urllib.request

import pytest

from tests.integration.conftest import service_env
from tests.support import Process, free_port, wait_for
from workflow.flower_entry import protect_metrics

pytestmark = pytest.mark.redis
USER, PASSWORD = "operator", "flower-test-password"


def fetch(url: str, auth: tuple[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except OSError:
        return 0, b""


def test_flower_metrics_need_the_login_and_the_healthcheck_says_only_ok(tmp_path, redis_url):
    port = free_port()
    env = service_env(
        f"sqlite:///{tmp_path / 'hogatar.sqlite3'}",
        redis_url,
        tmp_path / "var",
        HOGATAR_FLOWER_PORT=str(port),
        HOGATAR_FLOWER_USER=USER,
        HOGATAR_FLOWER_PASSWORD=PASSWORD,
    )
    flower = Process(
        "flower", [sys.executable, "-m", "workflow.cli", "flower"], env, tmp_path / "flower.log"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(f"{base}/healthcheck")[0] == 200, timeout=60, what="Flower")
        assert fetch(f"{base}/healthcheck") == (200, b"OK")
        assert fetch(f"{base}/")[0] == 401
        assert fetch(f"{base}/metrics")[0] == 401
        assert fetch(f"{base}/metrics", (USER, "wrong"))[0] == 401
        status, metrics = fetch(f"{base}/metrics", (USER, PASSWORD))
        assert status == 200 and b"flower_" in metrics
    finally:
        flower.stop()


def test_protecting_the_metrics_twice_guards_them_once():
    from flower.views import monitor

    protect_metrics()
    guarded = monitor.Metrics.get
    protect_metrics()
    assert monitor.Metrics.get is guarded
