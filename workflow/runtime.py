"""What the service layer needs, built once by ``workflow.bootstrap``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from workflow.clock import Clock
from workflow.definition import WorkflowDefinition
from workflow.errors import HogatarError, UnknownWorkflow
from workflow.guards import CaseSnapshot, GuardRegistry
from workflow.machine import SharedMachine
from workflow.notifications.mailer import Mailer
from workflow.outbox import OutboxMessage
from workflow.publish_marks import PublishMarks
from workflow.relay import Publisher, RelayPolicy, publish_committed
from workflow.scoping import CaseScope, scoped_sessions
from workflow.unit_of_work import UnitOfWork
from workflow.versions import SyncReport, WorkflowVersions

#: Reads what a workflow's guards need to know about a case (its assessments, plan, ...)
#: inside the transition's transaction, so that the guards themselves stay pure.
FactsLoader = Callable[[Session, CaseSnapshot], Mapping[str, Any]]


def no_facts(_session: Session, _case: CaseSnapshot) -> Mapping[str, Any]:
    return {}


#: Called inside a transition's transaction, after the new state is written, so that a
#: feature can keep its own rows in step (a closed case cancels its waiting reminders).
#: Arguments: runtime, unit of work, the case row, from-state, to-state, actor.
TransitionListener = Callable[["Runtime", UnitOfWork, Any, str, str, str], None]

#: Called inside the transaction of the command that announced an event, so that one
#: feature reacts to another's change without importing its services (goods planned
#: for a case are requested for procurement). Arguments: runtime, unit of work, event.
Reaction = Callable[["Runtime", UnitOfWork, Any], None]

#: Metric families (prometheus_client) a programme adds to ``hogatar metrics``, read from
#: its own rows at each scrape.
MetricSource = Callable[["Runtime"], Iterable[Any]]

#: Who may be named as the actor of a command (``--actor``): returns the actor as it
#: is recorded, or raises a domain error. Without one, any given name is taken.
ActorCheck = Callable[["Runtime", str], str]

#: Whether ``actor`` may decide an approval tier of ``role``, read in the decision's
#: session: returns None if so, else the refusal in words staff understand.
ApproverCheck = Callable[[Session, str, str], str | None]

#: The cases a staff member (``actor``) may read and change, or None when they see all
#: (``workflow.scoping``); the programme's rule, read in a session of its own.
CaseScopeRule = Callable[["Runtime", Session, str], CaseScope | None]


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    #: The newest definition of each workflow (its file), which new cases start on.
    definitions: dict[str, WorkflowDefinition]
    machines: dict[str, SharedMachine]
    #: Every version cases are pinned to; ``machine_of(case)`` is the one to obey.
    versions: WorkflowVersions
    guards: GuardRegistry
    effects: EffectRegistry
    publisher: Publisher
    mailer: Mailer
    facts_loaders: dict[str, FactsLoader] = field(default_factory=dict)
    transition_listeners: list[TransitionListener] = field(default_factory=list)
    reactions: dict[type[Any], list[Reaction]] = field(default_factory=dict)
    actor_check: ActorCheck | None = None
    #: Workflows whose cases are opened by an intake of their own, with how to do it.
    intakes: dict[str, str] = field(default_factory=dict)
    #: Who may decide an approval tier of a role; without one nobody can approve.
    approver_check: ApproverCheck | None = None
    #: Batched publish marks (PostgreSQL); None marks in a short transaction after each
    #: publish (SQLite, where a second writer would only wait for the first).
    publish_marks: PublishMarks | None = None
    metric_sources: list[MetricSource] = field(default_factory=list)
    #: Scoped access: without a rule every session sees every case.
    case_scope: CaseScopeRule | None = None

    def acting_for(self, actor: str) -> Runtime:
        """This runtime with every session it opens scoped to the cases ``actor`` may see
        (a staff member, by the programme's rule); itself for system and CLI actors, and
        for staff who see every case."""
        if self.case_scope is None:
            return self
        with self.session_factory() as session:
            scope = self.case_scope(self, session, actor)
        if scope is None:
            return self
        return replace(self, session_factory=scoped_sessions(self.session_factory, scope))

    @contextmanager
    def reading(self) -> Iterator[Runtime]:
        """This runtime with every session it opens reading through one connection, in
        one transaction rolled back at the end. A page drawn from many features' queries
        (the case page opens 16 sessions) then pays for one pool checkout, BEGIN and
        ROLLBACK instead of one of each per session (0.45 ms a session on PostgreSQL).
        Nothing is written through it: a commit raises :class:`WriteWhileReading`."""
        with self.engine.connect() as connection:
            transaction = connection.begin()
            kw = self.session_factory.kw
            factory = sessionmaker(
                class_=self.session_factory.class_,
                **{
                    **kw,
                    "bind": connection,
                    # A session's close leaves the shared transaction to the next one.
                    "join_transaction_mode": "rollback_only",
                    "info": {**kw.get("info", {}), READING_KEY: True},
                },
            )
            try:
                yield replace(self, session_factory=factory)
            finally:
                if transaction.is_active:
                    transaction.rollback()

    def known_actor(self, actor: str) -> str:
        return self.actor_check(self, actor) if self.actor_check else actor

    def facts_loader(self, workflow: str) -> FactsLoader:
        return self.facts_loaders.get(workflow, no_facts)

    def unit_of_work(self) -> UnitOfWork:
        # The files' versions are recorded before the first change, in a transaction of
        # their own (a case must know its version when it opens).
        if not self.versions.synced:
            self.sync_versions()
        return UnitOfWork(self.session_factory)

    @property
    def publishes_on_commit(self) -> bool:
        """Whether the committing process hands its outbox rows to the broker itself;
        with ``HOGATAR_RELAY=process`` the relay process does (workflow.relay_process)."""
        return self.settings.relay == "inline"

    @property
    def notify_relay(self) -> bool:
        """Whether writing an outbox row also wakes the relay process (PostgreSQL NOTIFY)."""
        return self.settings.relay == "process" and self.engine.dialect.name == "postgresql"

    def publish_committed(self, messages: list[OutboxMessage]) -> int:
        """After a commit: publish its outbox rows now, or leave them to the relay process."""
        if not self.publishes_on_commit:
            return 0
        return publish_committed(
            messages=messages,
            publisher=self.publisher,
            session_factory=self.session_factory,
            clock=self.clock,
            marks=self.publish_marks,
        )

    def sync_versions(self) -> list[SyncReport]:
        return self.versions.sync(self.session_factory, self.clock.now)

    def machine(self, workflow: str) -> SharedMachine:
        """The newest version of ``workflow``: what a new case starts on."""
        try:
            return self.machines[workflow]
        except KeyError:
            raise UnknownWorkflow(workflow, sorted(self.machines)) from None

    def current_version(self, workflow: str) -> int:
        if not self.versions.synced:
            self.sync_versions()
        return self.versions.current(workflow)

    def machine_of(self, case: Any) -> SharedMachine:
        """The machine of the version ``case`` runs on (a case row or anything with
        ``workflow`` and ``workflow_version``)."""
        return self.machine_at(case.workflow, case.workflow_version)

    def machine_at(self, workflow: str, version: int) -> SharedMachine:
        self.machine(workflow)  # an unknown workflow says which ones exist
        # Read-only: a page may ask inside an open session, where a write would wait for
        # that very session on SQLite. The versions were recorded at bootstrap or by the
        # first unit of work.
        return self.versions.machine(self.session_factory, workflow, version)

    @property
    def relay_policy(self) -> RelayPolicy:
        return RelayPolicy(
            grace=timedelta(seconds=self.settings.outbox_grace_seconds),
            republish_after=timedelta(seconds=self.settings.outbox_republish_after_seconds),
            batch_size=self.settings.outbox_batch_size,
        )


class WriteWhileReading(HogatarError):
    """A commit through ``Runtime.reading()``: a defect of the page that tried it, whose
    write would otherwise vanish with the shared transaction's rollback."""


#: In ``Session.info`` of the sessions ``Runtime.reading()`` opens: they refuse to commit.
READING_KEY = "hogatar.reading"


@event.listens_for(Session, "before_commit")
def _refuse_commit(session: Session) -> None:
    if not session.info.get(READING_KEY):
        return
    raise WriteWhileReading(
        "a page drawn through Runtime.reading() tried to commit; "
        "write through the request's own runtime instead"
    )


@dataclass(frozen=True)
class EffectContext:
    outbox_id: int
    #: None for work that spans cases (a purchase order for several families).
    case_id: int | None
    effect: str
    payload: Mapping[str, Any]
    now: datetime
    attempt: int
    task_id: str | None
    #: The worker's unit of work: the handler writes through it and may queue further
    #: effects (published once it commits); it never commits itself.
    uow: UnitOfWork
    runtime: Runtime

    @property
    def session(self) -> Session:
        return self.uow.session


EffectHandler = Callable[[EffectContext], Mapping[str, Any]]


class EffectRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, EffectHandler] = {}

    def register(self, name: str) -> Callable[[EffectHandler], EffectHandler]:
        def decorator(function: EffectHandler) -> EffectHandler:
            if name in self._handlers:
                raise ValueError(f"effect {name!r} registered twice")
            self._handlers[name] = function
            return function

        return decorator

    def names(self) -> set[str]:
        return set(self._handlers)

    def has(self, name: str) -> bool:
        return name in self._handlers

    def handler(self, name: str) -> EffectHandler:
        return self._handlers[name]
