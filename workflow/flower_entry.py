"""``celery flower`` with its ``/metrics`` behind the same login as its pages.

Flower exempts ``/metrics`` and ``/healthcheck`` from its basic auth (its documentation
lists both as unauthenticated), and has no option to change that. ``/metrics`` names
every task, worker and queue with their counts and run times: whoever reaches the port
would learn what the programme's background work is doing. So this entry point puts
Flower's own ``tornado.web.authenticated`` check, the one its pages use, on the metrics
handler before Flower starts; a Prometheus scraper logs in with the operator's basic-auth
credentials. ``/healthcheck`` stays open: it answers only "OK".

Run as ``python -m workflow.flower_entry -A tasks.worker flower ...`` (``processes``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery.__main__ import main as celery_main
from flower.views import monitor  # type: ignore[import-untyped]
from tornado import web


def protect_metrics() -> None:
    """Idempotent: a handler already guarded is left as it is."""
    get: Callable[..., Any] = monitor.Metrics.get
    if not getattr(get, "hogatar_login_required", False):
        guarded = web.authenticated(get)
        guarded.hogatar_login_required = True  # type: ignore[attr-defined]
        monitor.Metrics.get = guarded


def main() -> None:
    protect_metrics()
    celery_main()


if __name__ == "__main__":
    main()
