"""The app Celery workers and beat load: ``celery -A tasks.worker worker``.

Tasks are thin: an outbox id in, one service-layer call, an outcome out. The runtime is
built lazily in each worker process (after the prefork fork), never at import.
"""

from __future__ import annotations

import logging
import time

from celery import Task
from celery.exceptions import Reject

from tasks.runtime import app, runtime, settings
from workflow.bootstrap import load_workflows
from workflow.definition import queue_of
from workflow.delivery import DeliveryNotRecorded, deliver_batch
from workflow.relay import sweep_outbox

log = logging.getLogger(__name__)
#: How long a worker process waits before handing back a message it could not record
#: because the database was unreachable: the retry loop costs little, and the effect
#: runs within about this long of the database coming back.
DATABASE_RETRY_PAUSE_SECONDS = 1.0


class EffectAttemptFailed(Exception):
    """Shown in Flower for a failed attempt. Names ids and error types, no personal data."""


@app.task(name="outbox.sweep", queue="relay", ignore_result=True)
def sweep() -> int:
    rt = runtime()
    return sweep_outbox(
        publisher=rt.publisher,
        session_factory=rt.session_factory,
        clock=rt.clock,
        policy=rt.relay_policy,
    )


def _run_effect(task: Task, *outbox_ids: int) -> str:
    """One message: one outbox row, or a batch of rows of one effect from the relay."""
    try:
        outcomes = deliver_batch(runtime(), outbox_ids=outbox_ids, task_id=task.request.id)
    except DeliveryNotRecorded as exc:
        # The whole message goes back; the rows done so far are skipped next time.
        log.warning("%s; the message goes back to the queue", exc)
        time.sleep(DATABASE_RETRY_PAUSE_SECONDS)
        raise Reject(str(exc), requeue=True) from exc
    failed = [
        f"outbox row {o.outbox_id}: attempt {o.attempts} failed ({o.error_type}); "
        + ("retry scheduled" if o.status == "retry_scheduled" else "incident opened")
        for o in outcomes
        if o.status in ("retry_scheduled", "incident")
    ]
    if failed:
        raise EffectAttemptFailed("; ".join(failed))
    return ", ".join(o.status for o in outcomes)


def _register_effect_tasks() -> None:
    # One task per registered effect (those transitions declare and those features queue),
    # so Flower shows readable names like "referrals.send" on the queue of its family.
    registries, _ = load_workflows(settings)
    for effect in sorted(registries.effects.names()):
        app.task(name=effect, bind=True, queue=queue_of(effect), ignore_result=True)(_run_effect)


_register_effect_tasks()
import tasks.sweeps  # noqa: E402, F401 - registers beat's jobs on this app
