"""The service layer: every change to a case goes through here, from CLI, web or worker.

``handle`` is the single entry: it runs the command's handler in a unit of work and,
only after the commit succeeded, hands the new outbox rows to the relay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import update

from workflow.commands import (
    AdvanceCase,
    CaseAdvanced,
    CaseOpened,
    IncidentRetried,
    OpenCase,
    RetryIncident,
)
from workflow.effects import queue_of
from workflow.errors import (
    CaseNotFound,
    ConcurrentUpdate,
    GuardFailed,
    IncidentNotFound,
    IncidentNotOpen,
    InvalidInput,
    TriggerNotAllowed,
)
from workflow.guards import CaseSnapshot, GuardContext
from workflow.persistence.models import CaseEventRow, CaseRow, IncidentRow, OutboxRow
from workflow.relay import OutboxMessage, publish_committed
from workflow.runtime import Runtime
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

Command = OpenCase | AdvanceCase | RetryIncident
Event = CaseOpened | CaseAdvanced | IncidentRetried


def handle(rt: Runtime, command: Command) -> Event:
    handler: Callable[..., Event] = HANDLERS[type(command)]
    with rt.unit_of_work() as uow:
        event = handler(rt, uow, command)
    publish_committed(
        messages=uow.committed_messages,
        publisher=rt.publisher,
        session_factory=rt.session_factory,
        clock=rt.clock,
    )
    return event


def _actor(actor: str) -> str:
    cleaned = clean(actor)
    if not cleaned:
        raise InvalidInput("an actor (who is doing this) is required")
    return cleaned


def open_case(rt: Runtime, uow: UnitOfWork, command: OpenCase) -> CaseOpened:
    machine = rt.machine(command.workflow)
    actor = _actor(command.actor)
    now = rt.clock.now()
    initial = machine.definition.initial
    case = CaseRow(
        workflow=command.workflow,
        state=initial,
        version=1,
        family_name=clean(command.family_name),
        community=clean(command.community),
        opened_at=now,
        updated_at=now,
    )
    uow.session.add(case)
    uow.session.flush()
    uow.session.add(
        CaseEventRow(
            case_id=case.id,
            version=1,
            trigger="open",
            from_state=None,
            to_state=initial,
            actor=actor,
            at=now,
            reason=None,
            data={},
        )
    )
    uow.commit()
    return CaseOpened(case_id=case.id, state=initial, version=1)


def advance_case(rt: Runtime, uow: UnitOfWork, command: AdvanceCase) -> CaseAdvanced:
    actor = _actor(command.actor)
    if not isinstance(command.data, dict):
        raise InvalidInput('data must be a JSON object, e.g. {"note": "..."}')
    session = uow.session
    case = session.get(CaseRow, command.case_id)
    if case is None:
        raise CaseNotFound(command.case_id)
    seen_version = case.version
    if command.expected_version is not None and command.expected_version != seen_version:
        raise ConcurrentUpdate(
            case_id=case.id, expected=command.expected_version, actual=seen_version
        )
    machine = rt.machine(case.workflow)
    transition = machine.definition.transition(command.trigger, case.state)
    if transition is None:
        raise TriggerNotAllowed(
            case_id=case.id,
            trigger=command.trigger,
            state=case.state,
            allowed=machine.allowed_triggers(case.state),
        )
    reason = clean(command.reason)
    context = GuardContext(
        case=CaseSnapshot(
            id=case.id,
            workflow=case.workflow,
            state=case.state,
            version=seen_version,
            family_name=case.family_name,
            community=case.community,
        ),
        trigger=command.trigger,
        reason=reason,
        data=command.data,
    )
    unmet = rt.guards.unmet(transition.guards, context)
    if unmet:
        raise GuardFailed(case_id=case.id, trigger=command.trigger, unmet=unmet)

    from_state = case.state
    to_state = machine.fire(state=from_state, trigger=command.trigger)
    now = rt.clock.now()
    new_version = seen_version + 1
    # Compare-and-set on the version: of concurrent writers exactly one matches; the others
    # see zero rows (PostgreSQL re-checks the WHERE after the winner commits).
    result = session.execute(
        update(CaseRow)
        .where(CaseRow.id == case.id, CaseRow.version == seen_version)
        .values(state=to_state, version=new_version, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrentUpdate(case_id=case.id, expected=seen_version, actual=None)
    event = CaseEventRow(
        case_id=case.id,
        version=new_version,
        trigger=command.trigger,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        at=now,
        reason=reason,
        data=command.data,
    )
    session.add(event)
    session.flush()
    outbox = [
        OutboxRow(
            case_id=case.id,
            event_id=event.id,
            effect=effect,
            queue=queue_of(effect),
            payload={
                "case_id": case.id,
                "trigger": command.trigger,
                "from": from_state,
                "to": to_state,
                "version": new_version,
                "data": command.data,
            },
            status="pending",
            attempts=0,
            created_at=now,
        )
        for effect in transition.effects
    ]
    session.add_all(outbox)
    session.flush()
    uow.add_messages(
        [OutboxMessage(outbox_id=row.id, effect=row.effect, queue=row.queue) for row in outbox]
    )
    uow.commit()
    return CaseAdvanced(
        case_id=case.id,
        trigger=command.trigger,
        from_state=from_state,
        to_state=to_state,
        version=new_version,
        event_id=event.id,
        outbox_ids=tuple(row.id for row in outbox),
    )


def retry_incident(rt: Runtime, uow: UnitOfWork, command: RetryIncident) -> IncidentRetried:
    actor = _actor(command.actor)
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
    uow.add_messages([OutboxMessage(outbox_id=row.id, effect=row.effect, queue=row.queue)])
    uow.commit()
    return IncidentRetried(incident_id=incident.id, outbox_id=row.id)


HANDLERS: dict[type[Any], Callable[..., Event]] = {
    OpenCase: open_case,
    AdvanceCase: advance_case,
    RetryIncident: retry_incident,
}
