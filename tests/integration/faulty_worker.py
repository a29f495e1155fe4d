"""The real worker app with one injected fault, chosen by HOGATAR_TEST_FAULT.

Used as ``celery -A tests.integration.faulty_worker worker`` so that the process under
test is a real Celery worker; the fault fires once (a marker file remembers it):

- kill_mid_effect: SIGKILL the process after the effect's rows were sent to the
  database but before the commit;
- kill_after_commit: SIGKILL it after the commit, before the message is acknowledged;
- hang_in_effect: announce the effect started (marker), then hang until killed;
- fail_until_repaired: the effect raises until the repair file exists.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from workflow.effects import EffectContext
from workflow.persistence.models import EffectLedgerRow
from workflow.programme import effects as programme_effects

MODE = os.environ.get("HOGATAR_TEST_FAULT", "")
MARKER = os.environ.get("HOGATAR_TEST_FAULT_MARKER", "")
REPAIRED = os.environ.get("HOGATAR_TEST_REPAIRED_FILE", "")
#: The effect of ``assess``, which the tests fire; the fault wraps the real handler.
FAULTY_EFFECT = "reminders.enrolment_decision_due"
real_handler = programme_effects.HANDLERS[FAULTY_EFFECT]


def first_time() -> bool:
    try:
        os.close(os.open(MARKER, os.O_CREAT | os.O_EXCL))
        return True
    except FileExistsError:
        return False


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    # The ledger INSERT has been sent but not committed: the effect is half-way.
    if any(isinstance(obj, EffectLedgerRow) for obj in session.new):
        session.info["ledger_written"] = True
        if MODE == "kill_mid_effect" and first_time():
            die()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("ledger_written", False) and MODE == "kill_after_commit" and first_time():
        die()


def faulty_effect(context: EffectContext) -> Mapping[str, Any]:
    if MODE == "hang_in_effect" and first_time():
        time.sleep(600)
    if MODE == "fail_until_repaired" and not os.path.exists(REPAIRED):
        raise ConnectionError("partner system unreachable (injected)")
    return real_handler(context)


# Registration reads this table when the runtime is built, after this module is imported.
programme_effects.HANDLERS[FAULTY_EFFECT] = faulty_effect

from tasks.worker import app  # noqa: E402

__all__ = ["app"]
