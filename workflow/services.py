"""The service layer: every change to a case goes through here, from CLI, web or worker.

``handle`` is the single entry: it runs the command's handler in a unit of work and,
only after the commit succeeded, hands the new outbox rows to the relay.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Executable,
    Table,
    bindparam,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from workflow.activity import require_actor
from workflow.approval_requests import CheckedTransition, request_approval
from workflow.commands import (
    AdvanceCase,
    ApprovalRequested,
    CaseAdvanced,
    CaseOpened,
    IncidentRetried,
    IncidentSkipped,
    OpenCase,
    RetryIncident,
    SkipIncident,
)
from workflow.definition import queue_of
from workflow.errors import (
    CaseNotFound,
    ConcurrentUpdate,
    GuardFailed,
    InvalidInput,
    TriggerNotAllowed,
)
from workflow.guards import CaseSnapshot, GuardContext, LazyFacts
from workflow.incidents import retry_incident, skip_incident
from workflow.outbox import RELAY_CHANNEL, OutboxMessage
from workflow.persistence.models import CaseEventRow, CaseRow, OutboxRow
from workflow.runtime import Runtime
from workflow.scoping import require_changeable, scope_of
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

Command = OpenCase | AdvanceCase | RetryIncident | SkipIncident

# The hot path of a transition as Core statements built once: the ORM's flush and its
# statement construction cost more than the rows themselves.
CASES: Table = CaseRow.__table__  # type: ignore[assignment]
EVENTS: Table = CaseEventRow.__table__  # type: ignore[assignment]
OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]
COMPARE_AND_SET = (
    update(CASES)
    .where(CASES.c.id == bindparam("case_id"), CASES.c.version == bindparam("seen_version"))
    .values(
        state=bindparam("to_state"), version=bindparam("new_version"), updated_at=bindparam("now")
    )
)
LOAD_CASE = select(*CASES.c).where(CASES.c.id == bindparam("case_id"))
INSERT_EVENT = insert(EVENTS).returning(EVENTS.c.id)
INSERT_OUTBOX = insert(OUTBOX).returning(OUTBOX.c.id)
#: With a relay process (PostgreSQL): the INSERT wakes it, in the same round trip.
INSERT_OUTBOX_NOTIFYING = insert(OUTBOX).returning(OUTBOX.c.id, func.pg_notify(RELAY_CHANNEL, ""))
Event = CaseOpened | CaseAdvanced | IncidentRetried | IncidentSkipped


def handle(rt: Runtime, command: Any) -> Any:
    """Run one command in one transaction; publish its outbox rows after the commit."""
    handler: Callable[..., Any] = HANDLERS[type(command)]
    with rt.unit_of_work() as uow:
        event = handler(rt, uow, command)
    rt.publish_committed(uow.committed_messages)
    return event


def register_handler(command_type: type[Any], handler: Callable[..., Any]) -> None:
    """Features add their commands here (at import, wired by bootstrap)."""
    HANDLERS[command_type] = handler


def react(rt: Runtime, uow: UnitOfWork, event: Any) -> None:
    """Run what the features registered for ``event``, in the caller's unit of work."""
    for reaction in rt.reactions.get(type(event), ()):
        reaction(rt, uow, event)


def load_case(uow: UnitOfWork, case_id: int, expected_version: int | None) -> CaseRow:
    """The case to change, refused early if the caller's version is already stale."""
    case = get_case(uow.session, case_id)
    if case is None:
        raise CaseNotFound(case_id)
    # Found, so the reader may see it; a colleague's case is read-only (scoped access).
    require_changeable(uow.session, case.id)
    if expected_version is not None and expected_version != case.version:
        raise ConcurrentUpdate(case_id=case.id, expected=expected_version, actual=case.version)
    return case


def get_case(session: Session, case_id: int) -> CaseRow | None:
    """``session.get(CaseRow, case_id)``, cheaper on the hot path of a session without a
    reader's scope: a case not yet in the session is read with one Core SELECT and added
    as if the ORM had loaded it (its load machinery was a quarter of a transition's CPU).
    A scoped session takes the ORM's path, where the scope's criteria apply, and so does
    a case the session holds already (it may be expired, or deleted since)."""
    if scope_of(session) is not None or identity_key(CaseRow, case_id) in session.identity_map:
        return session.get(CaseRow, case_id)
    row = session.connection().execute(LOAD_CASE, {"case_id": case_id}).first()
    if row is None:
        return None
    case = CaseRow(**row._mapping)
    make_transient_to_detached(case)
    session.add(case)
    return case


def confirm_current(uow: UnitOfWork, case: CaseRow, expected_version: int | None) -> None:
    """For a change that turns out to change nothing: the caller's version must still be
    current, read under the row's lock. Otherwise a writer that loaded the case before a
    concurrent winner committed, and its other rows after, would pass for a second winner.
    """
    if expected_version is None:
        return
    latest = uow.session.execute(
        select(CaseRow.version).where(CaseRow.id == case.id).with_for_update()
    ).scalar_one()
    if latest != expected_version:
        raise ConcurrentUpdate(case_id=case.id, expected=expected_version, actual=latest)


def snapshot_of(case: CaseRow) -> CaseSnapshot:
    return CaseSnapshot(
        id=case.id,
        workflow=case.workflow,
        state=case.state,
        version=case.version,
        family_name=case.family_name,
        community=case.community,
    )


@dataclass(frozen=True)
class AppendedEvent:
    """The timeline event ``append_event`` wrote: its id and the case's new version."""

    id: int
    version: int


def append_event(
    uow: UnitOfWork,
    *,
    case: CaseRow,
    trigger: str,
    to_state: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AppendedEvent:
    """Move the case to its next version and put the change on its timeline.

    Transitions use it, and so does every other change to a case file (an assessment
    recorded, a worker assigned: ``to_state`` is then the current state), so a stale
    edit of any kind is caught the same way. Compare-and-set on the version: of
    concurrent writers exactly one matches; the others see zero rows (PostgreSQL
    re-checks the WHERE after the winner commits).
    """
    seen_version = case.version
    # On the session's connection: the same transaction, without Session.execute's ORM
    # dispatch, which these Core statements do not need.
    connection = uow.session.connection()
    result = connection.execute(
        COMPARE_AND_SET,
        {
            "case_id": case.id,
            "seen_version": seen_version,
            "to_state": to_state,
            "new_version": seen_version + 1,
            "now": now,
        },
    )
    if result.rowcount != 1:
        raise ConcurrentUpdate(case_id=case.id, expected=seen_version, actual=None)
    from_state = case.state
    keep_in_step(case, version=seen_version + 1, state=to_state, now=now)
    values = {
        "case_id": case.id,
        "version": seen_version + 1,
        "trigger": trigger,
        "from_state": from_state,
        "to_state": to_state,
        "actor": actor,
        "at": now,
        "reason": reason,
        "data": data or {},
    }
    event_id = connection.execute(INSERT_EVENT, values).scalar_one()
    # Not an ORM row: building one cost more than the INSERT's own Python (5 % of a
    # transition's CPU with the outbox row's), and nothing reads more than these two.
    return AppendedEvent(id=event_id, version=seen_version + 1)


def keep_in_step(case: CaseRow, *, version: int, state: str, now: datetime) -> None:
    """Keep the loaded row in step with the compare-and-set, so one unit of work can
    append several events to a case (consent withdrawn, then closed) without tripping
    its own check."""
    set_committed_value(case, "version", version)
    set_committed_value(case, "state", state)
    set_committed_value(case, "updated_at", now)


def effect_payload(
    command: AdvanceCase, case_id: int, from_state: str, to_state: str, version: int
) -> dict[str, Any]:
    """What a transition's effects receive in their outbox row's payload."""
    return {
        "case_id": case_id,
        "trigger": command.trigger,
        "from": from_state,
        "to": to_state,
        "version": version,
        "data": command.data,
    }


def require_handler(rt: Runtime, effect: str) -> None:
    """An outbox row is written only for an effect some worker can run."""
    if not rt.effects.has(effect):
        raise KeyError(f"no handler is registered for effect {effect!r}")


def write_transition(
    rt: Runtime,
    uow: UnitOfWork,
    case: CaseRow,
    command: AdvanceCase,
    to_state: str,
    effects: tuple[str, ...],
    actor: str,
    now: datetime,
    reason: str | None,
) -> tuple[AppendedEvent, list[OutboxMessage]]:
    """On PostgreSQL, what ``append_event`` and ``enqueue_effect`` write for a transition,
    in one statement (``transition_statement``): one round trip instead of two plus one
    per effect, and one pass through SQLAlchemy's execution path, which on the hot path
    costs more than the rows. The compare-and-set guards the rest: a stale version moves
    no row, so no event and no outbox row is written and no row comes back."""
    for effect in effects:
        require_handler(rt, effect)
    seen_version = case.version
    from_state = case.state
    params: dict[str, Any] = {
        "case_id": case.id,
        "seen_version": seen_version,
        "new_version": seen_version + 1,
        "to_state": to_state,
        "now": now,
        "trigger": command.trigger,
        "from_state": from_state,
        "actor": actor,
        "reason": reason,
        "data": command.data or {},
        "payload": effect_payload(command, case.id, from_state, to_state, seen_version + 1),
    }
    for number, effect in enumerate(effects):
        params[f"effect_{number}"] = effect
        params[f"queue_{number}"] = queue_of(effect)
    statement = transition_statement(len(effects), rt.notify_relay)
    rows = uow.session.connection().execute(statement, params).all()
    if not rows:
        raise ConcurrentUpdate(case_id=case.id, expected=seen_version, actual=None)
    keep_in_step(case, version=seen_version + 1, state=to_state, now=now)
    event = AppendedEvent(id=rows[0].event_id, version=seen_version + 1)
    if not effects:
        return event, []
    # The rows of one effect are alike but for their ids: match each effect to a row of it.
    ids_by_effect: dict[str, list[int]] = {}
    for row in sorted(rows, key=lambda row: row.id):
        ids_by_effect.setdefault(row.effect, []).append(row.id)
    messages = [
        OutboxMessage(outbox_id=ids_by_effect[effect].pop(0), effect=effect, queue=queue_of(effect))
        for effect in effects
    ]
    uow.add_messages(messages)
    return event, messages


@functools.cache
def transition_statement(effects: int, notify: bool) -> Executable:
    """``WITH moved AS (UPDATE cases ... RETURNING id), appended AS (INSERT INTO
    case_events SELECT ... FROM moved RETURNING id) INSERT INTO outbox SELECT ... FROM
    appended`` (one SELECT per effect), built once per number of effects. Without effects
    the event INSERT is the statement. With a relay process the outbox INSERT also wakes
    it (``pg_notify``), as ``enqueue_effect`` does."""
    moved = COMPARE_AND_SET.returning(CASES.c.id).cte("moved")

    def value(name: str, column: Any) -> Any:
        return bindparam(name, type_=column.type)

    event_values = select(
        moved.c.id,
        value("new_version", EVENTS.c.version),
        value("trigger", EVENTS.c.trigger),
        value("from_state", EVENTS.c.from_state),
        value("to_state", EVENTS.c.to_state),
        value("actor", EVENTS.c.actor),
        value("now", EVENTS.c.at),
        value("reason", EVENTS.c.reason),
        value("data", EVENTS.c.data),
    )
    event_columns = ["case_id", "version", "trigger", "from_state", "to_state", "actor", "at"]
    append = insert(EVENTS).from_select([*event_columns, "reason", "data"], event_values)
    if effects == 0:
        return append.returning(EVENTS.c.id.label("event_id"))
    appended = append.returning(EVENTS.c.id).cte("appended")
    outbox_values = union_all(
        *(
            select(
                value("case_id", OUTBOX.c.case_id),
                appended.c.id,
                value(f"effect_{number}", OUTBOX.c.effect),
                value(f"queue_{number}", OUTBOX.c.queue),
                value("payload", OUTBOX.c.payload),
                literal("pending", OUTBOX.c.status.type),
                literal(0, OUTBOX.c.attempts.type),
                value("now", OUTBOX.c.created_at),
            )
            for number in range(effects)
        )
    )
    outbox_columns = ["case_id", "event_id", "effect", "queue", "payload", "status", "attempts"]
    enqueue = insert(OUTBOX).from_select([*outbox_columns, "created_at"], outbox_values)
    returned: list[Any] = [OUTBOX.c.id, OUTBOX.c.effect, OUTBOX.c.event_id]
    if notify:
        returned.append(func.pg_notify(RELAY_CHANNEL, ""))
    return enqueue.returning(*returned)


def open_case(rt: Runtime, uow: UnitOfWork, command: OpenCase) -> CaseOpened:
    opened = open_case_in(rt, uow, command)
    uow.commit()
    return opened


def open_case_in(rt: Runtime, uow: UnitOfWork, command: OpenCase) -> CaseOpened:
    """Open a case inside the caller's unit of work, which commits (or not) later.

    Features that create a case together with their own rows (a family registered with
    its household) use this, so the case and those rows commit or fail as one.
    """
    machine = rt.machine(command.workflow)
    actor = require_actor(command.actor)
    now = rt.clock.now()
    initial = machine.definition.initial
    case = CaseRow(
        workflow=command.workflow,
        workflow_version=rt.current_version(command.workflow),
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
    uow.session.flush()
    return CaseOpened(case_id=case.id, state=initial, version=1)


def advance_case(
    rt: Runtime, uow: UnitOfWork, command: AdvanceCase
) -> CaseAdvanced | ApprovalRequested:
    """The command of staff (CLI, web, API): a transition that needs approval is recorded
    as a request instead (``workflow.approval_requests``); the last approval fires it.
    Features moving a case as part of a larger change (consent withdrawn) call
    ``advance_case_in``, which is the programme's own rule, not a person's step."""
    checked = check_transition(rt, uow, command)
    result: CaseAdvanced | ApprovalRequested
    if checked.transition.approval is not None:
        result = request_approval(rt, uow, command, checked)
    else:
        result = fire_checked(rt, uow, command, checked)
    uow.commit()
    return result


def advance_case_in(rt: Runtime, uow: UnitOfWork, command: AdvanceCase) -> CaseAdvanced:
    """Fire a transition inside the caller's unit of work: guards, new state, timeline
    event and outbox rows, with the messages handed to the relay only once the caller
    commits. A feature that must move the case as part of a larger change (consent
    withdrawn closes the case) calls this instead of repeating the rules."""
    return fire_checked(rt, uow, command, check_transition(rt, uow, command))


def check_transition(rt: Runtime, uow: UnitOfWork, command: AdvanceCase) -> CheckedTransition:
    """Everything that must hold before ``command`` may fire (or be requested): a known
    actor and case, the caller's version current, the trigger allowed from the case's
    state by the case's own definition version, and every guard met."""
    actor = require_actor(command.actor)
    if not isinstance(command.data, dict):
        raise InvalidInput('data must be a JSON object, e.g. {"note": "..."}')
    case = load_case(uow, command.case_id, command.expected_version)
    machine = rt.machine_of(case)
    transition = machine.definition.transition(command.trigger, case.state)
    if transition is None:
        raise TriggerNotAllowed(
            case_id=case.id,
            trigger=command.trigger,
            state=case.state,
            allowed=machine.allowed_triggers(case.state),
        )
    reason = clean(command.reason)
    snapshot = snapshot_of(case)
    context = GuardContext(
        case=snapshot,
        trigger=command.trigger,
        reason=reason,
        data=command.data,
        facts=LazyFacts(lambda: rt.facts_loader(case.workflow)(uow.session, snapshot)),
    )
    unmet = rt.guards.requirements(transition.guards, context)
    if unmet:
        raise GuardFailed(case_id=case.id, trigger=command.trigger, unmet=unmet)
    return CheckedTransition(
        case=case, machine=machine, transition=transition, actor=actor, reason=reason
    )


def fire_checked(
    rt: Runtime, uow: UnitOfWork, command: AdvanceCase, checked: CheckedTransition
) -> CaseAdvanced:
    case, machine, transition = checked.case, checked.machine, checked.transition
    actor, reason = checked.actor, checked.reason
    from_state = case.state
    to_state = machine.fire(state=from_state, trigger=command.trigger)
    now = rt.clock.now()
    if uow.session.get_bind().dialect.name == "postgresql":
        event, outbox = write_transition(
            rt, uow, case, command, to_state, transition.effects, actor, now, reason
        )
    else:
        event = append_event(
            uow,
            case=case,
            trigger=command.trigger,
            to_state=to_state,
            actor=actor,
            now=now,
            reason=reason,
            data=command.data,
        )
        payload = effect_payload(command, case.id, from_state, to_state, event.version)
        outbox = [
            enqueue_effect(
                rt, uow, case_id=case.id, event_id=event.id, effect=effect, payload=payload, now=now
            )
            for effect in transition.effects
        ]
    for listener in rt.transition_listeners:
        listener(rt, uow, case, from_state, to_state, actor)
    return CaseAdvanced(
        case_id=case.id,
        trigger=command.trigger,
        from_state=from_state,
        to_state=to_state,
        version=event.version,
        event_id=event.id,
        outbox_ids=tuple(message.outbox_id for message in outbox),
    )


def enqueue_effect(
    rt: Runtime,
    uow: UnitOfWork,
    *,
    case_id: int | None,
    event_id: int | None,
    effect: str,
    payload: dict[str, Any],
    now: datetime,
) -> OutboxMessage:
    """One outbox row in the caller's transaction, published once the caller commits.

    Inputs for the effect stay in the database; the broker gets the row id only.
    """
    require_handler(rt, effect)
    queue = queue_of(effect)
    values = {
        "case_id": case_id,
        "event_id": event_id,
        "effect": effect,
        "queue": queue,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
    }
    statement = INSERT_OUTBOX_NOTIFYING if rt.notify_relay else INSERT_OUTBOX
    row_id = uow.session.connection().execute(statement, values).first()[0]  # type: ignore[index]
    message = OutboxMessage(outbox_id=row_id, effect=effect, queue=queue)
    uow.add_messages([message])
    return message


HANDLERS: dict[type[Any], Callable[..., Any]] = {
    OpenCase: open_case,
    AdvanceCase: advance_case,
    RetryIncident: retry_incident,
    SkipIncident: skip_incident,
}
