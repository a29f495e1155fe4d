"""The real worker app with one injected fault, chosen by HOGATAR_TEST_FAULT.

Used as ``celery -A tests.integration.faulty_worker worker`` so that the process under
test is a real Celery worker; the fault fires once (a marker file remembers it):

- kill_mid_effect: SIGKILL the process after the effect's rows were sent to the
  database but before the commit;
- kill_after_commit: SIGKILL it after the commit, before the message is acknowledged;
- hang_in_effect: announce the effect started (marker), then hang until killed;
- slow_effect: the first run takes HOGATAR_TEST_SLOW_SECONDS (longer than the broker's
  visibility timeout in the test), so the message comes back while a live worker runs it;
- fail_until_repaired: the effect raises until the repair file exists;
- fail_first: the first attempt raises, the next ones run the real handler;
- kill_after_handler: SIGKILL the process once the real handler returned (a mail it sent
  is at the server) but before the effect's transaction commits.

HOGATAR_TEST_FAULT_EFFECT names the effect the fault wraps; HOGATAR_TEST_RUNS_FILE, if
set, gets one line per run of the handler, so a test can count real executions.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from workflow.programme import effects as programme_effects
from workflow.runtime import EffectContext

MODE = os.environ.get("HOGATAR_TEST_FAULT", "")
MARKER = os.environ.get("HOGATAR_TEST_FAULT_MARKER", "")
REPAIRED = os.environ.get("HOGATAR_TEST_REPAIRED_FILE", "")
RUNS = os.environ.get("HOGATAR_TEST_RUNS_FILE", "")
SLOW_SECONDS = float(os.environ.get("HOGATAR_TEST_SLOW_SECONDS", "0"))
#: By default the effect of ``assess``, which most tests fire; the fault wraps its handler.
FAULTY_EFFECT = os.environ.get("HOGATAR_TEST_FAULT_EFFECT", "reminders.enrolment_decision_due")
real_handler = programme_effects.HANDLERS[FAULTY_EFFECT]


def first_time() -> bool:
    try:
        os.close(os.open(MARKER, os.O_CREAT | os.O_EXCL))
        return True
    except FileExistsError:
        return False


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


_state = {"ledger_written": False}


@event.listens_for(Engine, "after_cursor_execute")
def _after_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    # The ledger INSERT has been sent but not committed: the effect is half-way. (On
    # PostgreSQL it is the WITH of the statement that also marks the outbox row done.)
    if "INSERT INTO EFFECT_LEDGER" in statement.upper():
        _state["ledger_written"] = True
        if MODE == "kill_mid_effect" and first_time():
            die()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    written, _state["ledger_written"] = _state["ledger_written"], False
    if written and MODE == "kill_after_commit" and first_time():
        die()


def faulty_effect(context: EffectContext) -> Mapping[str, Any]:
    if RUNS:
        with open(RUNS, "a", encoding="utf-8") as runs:
            runs.write(f"{context.outbox_id} {os.getpid()}\n")
    if MODE == "hang_in_effect" and first_time():
        time.sleep(600)
    if MODE == "slow_effect" and first_time():
        time.sleep(SLOW_SECONDS)
    if MODE == "fail_until_repaired" and not os.path.exists(REPAIRED):
        raise ConnectionError("partner system unreachable (injected)")
    if MODE == "fail_first" and first_time():
        raise ConnectionError("partner system unreachable (injected, once)")
    result = real_handler(context)
    if MODE == "kill_after_handler" and first_time():
        die()
    return result


# Registration reads this table when the runtime is built, after this module is imported.
programme_effects.HANDLERS[FAULTY_EFFECT] = faulty_effect

from tasks.worker import app  # noqa: E402

__all__ = ["app"]
