"""An operator's answer to an incident (an effect that failed every retry): run it again,
or skip it with a reason. Either is one command through the service layer, and goes on
the case's timeline with who decided and why."""

from __future__ import annotations

from datetime import datetime

from workflow.activity import note_activity, require_actor
from workflow.commands import IncidentRetried, IncidentSkipped, RetryIncident, SkipIncident
from workflow.errors import IncidentNotFound, IncidentNotOpen, InvalidInput
from workflow.outbox import OutboxMessage
from workflow.persistence.models import CaseRow, IncidentRow, OutboxRow
from workflow.runtime import Runtime
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork


def retry_incident(rt: Runtime, uow: UnitOfWork, command: RetryIncident) -> IncidentRetried:
    actor = require_actor(command.actor)
    session = uow.session
    incident = session.get(IncidentRow, command.incident_id, with_for_update=True)
    if incident is None:
        raise IncidentNotFound(command.incident_id)
    if incident.status != "open":
        raise IncidentNotOpen(incident.id, incident.status)
    now = rt.clock.now()
    incident.status = "retried"
    incident.retried_at = now
    incident.retried_by = actor
    row = session.get(OutboxRow, incident.outbox_id, with_for_update=True)
    assert row is not None  # incidents reference their outbox row by foreign key
    row.status = "pending"
    row.attempts = 0
    row.not_before = None
    session.flush()
    _audit(uow, incident, kind="incident_retried", actor=actor, now=now, reason=None)
    uow.add_messages([OutboxMessage(outbox_id=row.id, effect=row.effect, queue=row.queue)])
    uow.commit()
    return IncidentRetried(incident_id=incident.id, outbox_id=row.id)


def skip_incident(rt: Runtime, uow: UnitOfWork, command: SkipIncident) -> IncidentSkipped:
    """Resolve an incident without running its effect: the outbox row is done (with no
    ledger row, since nothing was applied), so a stray message for it changes nothing."""
    actor = require_actor(command.actor)
    reason = clean(command.reason)
    if not reason:
        raise InvalidInput(
            "a reason is required to skip an incident: say why the effect need not run "
            "(e.g. the mail was sent by hand)"
        )
    session = uow.session
    incident = session.get(IncidentRow, command.incident_id, with_for_update=True)
    if incident is None:
        raise IncidentNotFound(command.incident_id)
    if incident.status != "open":
        raise IncidentNotOpen(incident.id, incident.status, action="skip")
    now = rt.clock.now()
    incident.status = "skipped"
    incident.retried_at = now
    incident.retried_by = actor
    incident.resolution_reason = reason
    row = session.get(OutboxRow, incident.outbox_id, with_for_update=True)
    assert row is not None  # incidents reference their outbox row by foreign key
    row.status = "done"
    row.finished_at = now
    row.last_error = f"skipped by {actor}: {reason}"[:4000]
    session.flush()
    _audit(uow, incident, kind="incident_skipped", actor=actor, now=now, reason=reason)
    uow.commit()
    return IncidentSkipped(incident_id=incident.id, outbox_id=row.id)


def _audit(
    uow: UnitOfWork,
    incident: IncidentRow,
    *,
    kind: str,
    actor: str,
    now: datetime,
    reason: str | None,
) -> None:
    """An operator's decision on an incident goes on its case's timeline, with who, when
    and why. (Work for no one case, a purchase order, keeps it on the incident alone.)"""
    if incident.case_id is None:
        return
    case = uow.session.get(CaseRow, incident.case_id)
    if case is None:
        return
    note_activity(
        uow,
        case=case,
        kind=kind,
        actor=actor,
        now=now,
        reason=reason,
        data={
            "incident_id": incident.id,
            "outbox_id": incident.outbox_id,
            "effect": incident.effect,
        },
    )
