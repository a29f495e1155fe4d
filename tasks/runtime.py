"""The Celery app of workers and beat, and the runtime each worker process builds
lazily (after the prefork fork), never at import. Tasks import both from here."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_process_init

from config.settings import get_settings
from workflow.bootstrap import bootstrap
from workflow.broker import make_celery, publisher_for
from workflow.runtime import Runtime

settings = get_settings()
app = make_celery(settings)
_runtime: Runtime | None = None


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        _runtime = bootstrap(settings, publisher=publisher_for(settings, app))
    return _runtime


@worker_process_init.connect
def _fresh_runtime_after_fork(**_: Any) -> None:
    # A pool inherited from the parent would share sockets across processes.
    global _runtime
    _runtime = None
