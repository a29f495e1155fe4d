"""Workflow definitions by version.

A case runs for months or years while the programme changes its workflow. Each
definition loaded from ``config/workflows`` is stored with a number and a content hash;
an unchanged file is the same version, a changed one the next. New cases start on the
newest version and every case keeps its own: its triggers, guards and diagram come from
the version it is pinned to, read back from the database when the file has moved on or
is gone. Moving running cases to a newer version is an operator's deliberate act
(``workflow.migration``), never a side effect of a deploy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from workflow.definition import WorkflowDefinition, parse_definition, validate_definition
from workflow.errors import DefinitionError, UnknownWorkflow
from workflow.machine import SharedMachine
from workflow.persistence.models import CaseRow, WorkflowVersionRow


class VersionsNotMigrated(DefinitionError):
    """The database predates workflow versions (``hogatar db upgrade`` not run yet)."""


@dataclass(frozen=True)
class VersionInUse:
    """One version of a workflow as the operators' page and start-up list it."""

    workflow: str
    version: int
    source: str
    recorded_at: datetime
    newest: bool
    running_cases: int
    finished_cases: int
    #: Running cases in a state the newest version lacks: they need a mapping to move.
    stranded_cases: int
    stranded_states: tuple[str, ...]


@dataclass(frozen=True)
class SyncReport:
    workflow: str
    version: int
    #: True when this start-up recorded the version (the file had changed).
    recorded: bool


class WorkflowVersions:
    """The machines of every version in use, keyed by (workflow, version).

    ``sync`` records the files' definitions (once per process, before its first unit of
    work); older versions are loaded on first use and checked against the installed
    guards and effects, so a version whose guard was removed stops with its name.
    """

    def __init__(
        self,
        newest: Mapping[str, WorkflowDefinition],
        *,
        guards: Collection[str],
        effects: Collection[str],
        approval_roles: Collection[str] | None = None,
    ) -> None:
        self._newest = dict(newest)
        self._guards = set(guards)
        self._effects = set(effects)
        self._approval_roles = None if approval_roles is None else set(approval_roles)
        self._current: dict[str, int] = {}
        self._machines: dict[tuple[str, int], SharedMachine] = {}
        #: Every stored version, read at ``sync``: a page asks for a case's machine inside
        #: its own session, and on SQLite (BEGIN IMMEDIATE) a second one would wait for it.
        self._stored_rows: dict[tuple[str, int], tuple[dict[str, Any], str]] = {}
        self._lock = threading.Lock()
        #: Versions this process recorded (the file had changed since the last start).
        self.recorded: list[SyncReport] = []

    @property
    def synced(self) -> bool:
        return len(self._current) == len(self._newest)

    def workflows(self) -> list[str]:
        return sorted(self._newest)

    def newest(self, workflow: str) -> WorkflowDefinition:
        try:
            return self._newest[workflow]
        except KeyError:
            raise UnknownWorkflow(workflow, sorted(self._newest)) from None

    def current(self, workflow: str) -> int:
        """The version new cases of ``workflow`` start on (``sync`` must have run)."""
        self.newest(workflow)
        return self._current[workflow]

    def sync(
        self, session_factory: sessionmaker[Session], now: Callable[[], datetime]
    ) -> list[SyncReport]:
        """Record each file's definition as a version unless it is stored already.

        Several processes start at once (web, worker, beat): the unique constraints pick
        one writer per new version and the others read what it wrote.
        """
        with self._lock:
            reports = []
            for name, definition in sorted(self._newest.items()):
                version, recorded = _record(session_factory, definition, now)
                self._current[name] = version
                self._machines.setdefault((name, version), SharedMachine(definition))
                report = SyncReport(workflow=name, version=version, recorded=recorded)
                reports.append(report)
                if recorded:
                    self.recorded.append(report)
            with session_factory() as session:
                for row in session.execute(
                    select(
                        WorkflowVersionRow.workflow,
                        WorkflowVersionRow.version,
                        WorkflowVersionRow.definition,
                        WorkflowVersionRow.source,
                    ).where(WorkflowVersionRow.workflow.in_(list(self._newest)))
                ):
                    self._stored_rows[(row.workflow, row.version)] = (row.definition, row.source)
            return reports

    def machine(
        self, session_factory: sessionmaker[Session], workflow: str, version: int
    ) -> SharedMachine:
        machine = self._machines.get((workflow, version))
        if machine is not None:
            return machine
        with self._lock:
            machine = self._machines.get((workflow, version))
            if machine is None:
                machine = SharedMachine(self._stored(session_factory, workflow, version))
                self._machines[(workflow, version)] = machine
            return machine

    def stored(
        self, session_factory: sessionmaker[Session], workflow: str, version: int
    ) -> WorkflowDefinition:
        return self.machine(session_factory, workflow, version).definition

    def _stored(
        self, session_factory: sessionmaker[Session], workflow: str, version: int
    ) -> WorkflowDefinition:
        stored = self._stored_rows.get((workflow, version))
        if stored is None:
            # Recorded by another process since this one started (a newer deploy).
            with session_factory() as session:
                row = session.scalars(
                    select(WorkflowVersionRow).where(
                        WorkflowVersionRow.workflow == workflow,
                        WorkflowVersionRow.version == version,
                    )
                ).one_or_none()
                if row is None:
                    raise DefinitionError(f"workflow {workflow!r} has no version {version}")
                stored = (row.definition, row.source)
        raw, source = stored
        definition = parse_definition(raw, origin=f"{source}, version {version}")
        validate_definition(
            definition,
            guards=self._guards,
            effects=self._effects,
            approval_roles=self._approval_roles,
        )
        return definition

    def check_versions_in_use(self, session_factory: sessionmaker[Session]) -> None:
        """Every version a case is pinned to still runs with the installed programme:
        start-up stops naming the version, its file and the guard or effect it lacks."""
        with session_factory() as session:
            pinned = session.execute(
                select(CaseRow.workflow, CaseRow.workflow_version).distinct()
            ).all()
        for workflow, version in pinned:
            if workflow not in self._newest:
                raise DefinitionError(
                    f"cases run on workflow {workflow!r} (version {version}), "
                    f"which no file in the workflows folder defines any more"
                )
            self.machine(session_factory, workflow, version)


def _record(
    session_factory: sessionmaker[Session],
    definition: WorkflowDefinition,
    now: Callable[[], datetime],
) -> tuple[int, bool]:
    content_hash = definition.content_hash
    for _attempt in range(5):
        with session_factory() as session:
            try:
                existing = session.scalar(
                    select(WorkflowVersionRow.version).where(
                        WorkflowVersionRow.workflow == definition.name,
                        WorkflowVersionRow.content_hash == content_hash,
                    )
                )
            except (OperationalError, ProgrammingError) as exc:
                if "workflow_versions" in str(exc):
                    raise VersionsNotMigrated(
                        "the database has no table of workflow versions yet: "
                        "run `hogatar db upgrade` first"
                    ) from None
                raise
            if existing is not None:
                return existing, False
            latest = session.scalar(
                select(func.max(WorkflowVersionRow.version)).where(
                    WorkflowVersionRow.workflow == definition.name
                )
            )
            version = (latest or 0) + 1
            session.add(
                WorkflowVersionRow(
                    workflow=definition.name,
                    version=version,
                    content_hash=content_hash,
                    definition=dict(definition.raw),
                    source=definition.origin or f"{definition.name}.toml",
                    recorded_at=now(),
                )
            )
            try:
                session.commit()
            except IntegrityError:
                # Another process recorded a version meanwhile: read again.
                session.rollback()
                continue
            return version, True
    raise DefinitionError(f"workflow {definition.name!r}: its version could not be recorded")


def versions_in_use(
    session: Session,
    versions: WorkflowVersions,
    session_factory: sessionmaker[Session],
) -> list[VersionInUse]:
    """Every stored version with the cases on it, newest first within each workflow."""
    rows = session.scalars(
        select(WorkflowVersionRow).order_by(
            WorkflowVersionRow.workflow, WorkflowVersionRow.version.desc()
        )
    ).all()
    counts: dict[tuple[str, int, str], int] = {
        (workflow, version, state): count
        for workflow, version, state, count in session.execute(
            select(
                CaseRow.workflow, CaseRow.workflow_version, CaseRow.state, func.count()
            ).group_by(CaseRow.workflow, CaseRow.workflow_version, CaseRow.state)
        )
    }
    result = []
    for row in rows:
        if row.workflow not in versions.workflows():
            continue
        newest = versions.newest(row.workflow)
        definition = (
            newest
            if row.version == versions.current(row.workflow)
            else versions.stored(session_factory, row.workflow, row.version)
        )
        running = finished = stranded = 0
        stranded_states = []
        for (workflow, version, state), count in counts.items():
            if workflow != row.workflow or version != row.version:
                continue
            if definition.is_final(state):
                finished += count
                continue
            running += count
            if not newest.has_state(state):
                stranded += count
                stranded_states.append(state)
        result.append(
            VersionInUse(
                workflow=row.workflow,
                version=row.version,
                source=row.source,
                recorded_at=row.recorded_at,
                newest=row.version == versions.current(row.workflow),
                running_cases=running,
                finished_cases=finished,
                stranded_cases=stranded,
                stranded_states=tuple(sorted(stranded_states)),
            )
        )
    return result
