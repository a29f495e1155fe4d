"""A look at personal data that a feature announces (a family file shown, cases
exported) for the access log to record. The feature that shows or exports does not know
the log: it announces ``FileAccessed``, and the privacy feature, wired to react, writes
the entry in the same transaction (``workflow.programme.wiring``)."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.runtime import Runtime
from workflow.services import react


@dataclass(frozen=True)
class FileAccessed:
    actor: str
    #: ``view_case``, ``export_cases``, ... (workflow/programme/privacy: ``ACCESS_KINDS``).
    kind: str
    #: The client's address, or ``cli``.
    source: str
    case_id: int | None = None
    detail: str | None = None


def announce_access(rt: Runtime, event: FileAccessed) -> None:
    """Announce ``event`` in a transaction of its own (a read has no other to join)."""
    with rt.unit_of_work() as uow:
        react(rt, uow, event)
        uow.commit()
