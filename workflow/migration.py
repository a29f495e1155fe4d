"""Moving running cases to another version of their workflow, on purpose.

A case keeps the version it started on. When the programme wants running cases on a
newer definition, an operator asks for it: the dry run lists every running case, its
state, and what would happen (state kept, mapped to a state given with ``--map``, or
refused because the state has no place in the target version); the real run moves each
case in a transaction of its own, with an event on its timeline. A case whose state the
target lacks is never moved without a mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import select, update

from workflow.activity import require_actor
from workflow.definition import WorkflowDefinition
from workflow.errors import DefinitionError, InvalidInput
from workflow.persistence.models import CaseRow, WorkflowVersionRow
from workflow.runtime import Runtime
from workflow.services import append_event

#: The timeline event of a case moved to another version of its workflow.
MIGRATE_TRIGGER = "migrate_workflow"

Outcome = Literal["kept", "mapped", "refused"]


@dataclass(frozen=True)
class MigrateWorkflow:
    workflow: str
    to_version: int
    actor: str
    #: Old state -> state of the target version, for states the target lacks (or renames).
    mapping: Mapping[str, str] = field(default_factory=dict)
    #: Only these cases (all running cases of the workflow when empty).
    case_ids: Sequence[int] = ()
    dry_run: bool = True


@dataclass(frozen=True)
class CasePlan:
    case_id: int
    family_name: str | None
    from_version: int
    from_state: str
    to_state: str | None
    outcome: Outcome
    #: Why a case is refused, or which mapping moves it.
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "family_name": self.family_name,
            "from_version": self.from_version,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "outcome": self.outcome,
            "note": self.note,
        }


@dataclass(frozen=True)
class MigrationResult:
    workflow: str
    to_version: int
    dry_run: bool
    plans: tuple[CasePlan, ...]
    #: Cases the real run moved (empty for a dry run).
    moved: tuple[int, ...] = ()

    @property
    def refused(self) -> tuple[CasePlan, ...]:
        return tuple(plan for plan in self.plans if plan.outcome == "refused")

    def as_dict(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow,
            "to_version": self.to_version,
            "dry_run": self.dry_run,
            "cases": [plan.as_dict() for plan in self.plans],
            "moved": list(self.moved),
            "refused": [plan.case_id for plan in self.refused],
        }


def migrate_cases(rt: Runtime, command: MigrateWorkflow) -> MigrationResult:
    """Plan (and unless ``dry_run``, carry out) the move of running cases."""
    actor = require_actor(rt.known_actor(command.actor))
    target = _target(rt, command)
    plans = tuple(plan_case(row, target, command.mapping) for row in _running_cases(rt, command))
    if command.dry_run:
        return MigrationResult(command.workflow, command.to_version, True, plans)
    moved = []
    final_plans = []
    for plan in plans:
        if plan.outcome == "refused":
            final_plans.append(plan)
            continue
        done = _move(rt, plan, target, command, actor)
        final_plans.append(done)
        if done.outcome != "refused":
            moved.append(done.case_id)
    return MigrationResult(
        command.workflow, command.to_version, False, tuple(final_plans), tuple(moved)
    )


def plan_case(case: CaseRow, target: WorkflowDefinition, mapping: Mapping[str, str]) -> CasePlan:
    """What moving ``case`` to ``target`` would do with its state."""
    state = case.state
    if state in mapping:
        to_state: str | None = mapping[state]
        outcome: Outcome = "mapped"
        note = f"{state}={mapping[state]}"
    elif target.has_state(state):
        to_state, outcome, note = state, "kept", ""
    else:
        to_state, outcome = None, "refused"
        note = f"the target version has no state {state!r}: add --map {state}=<state>"
    return CasePlan(
        case_id=case.id,
        family_name=case.family_name,
        from_version=case.workflow_version,
        from_state=state,
        to_state=to_state,
        outcome=outcome,
        note=note,
    )


def _target(rt: Runtime, command: MigrateWorkflow) -> WorkflowDefinition:
    rt.machine(command.workflow)  # an unknown workflow names the known ones
    with rt.session_factory() as session:
        stored = list(
            session.scalars(
                select(WorkflowVersionRow.version)
                .where(WorkflowVersionRow.workflow == command.workflow)
                .order_by(WorkflowVersionRow.version)
            )
        )
    if command.to_version not in stored:
        known = ", ".join(str(v) for v in stored) or "none"
        raise InvalidInput(
            f"workflow {command.workflow!r} has no version {command.to_version}; "
            f"its versions: {known} (hogatar workflow versions)"
        )
    try:
        target = rt.machine_at(command.workflow, command.to_version).definition
    except DefinitionError as exc:
        raise InvalidInput(f"version {command.to_version} cannot run: {exc}") from None
    states_anywhere = _states_of_all_versions(rt, command.workflow, stored)
    for old, new in command.mapping.items():
        if old not in states_anywhere:
            raise InvalidInput(
                f"--map {old}={new}: no version of {command.workflow!r} has a state {old!r}"
            )
        if not target.has_state(new):
            raise InvalidInput(
                f"--map {old}={new}: version {command.to_version} of {command.workflow!r} "
                f"has no state {new!r}; its states: {', '.join(target.state_names)}"
            )
        if target.is_final(new):
            raise InvalidInput(
                f"--map {old}={new}: {new!r} is a final state; a migration does not close "
                f"cases (close them with `hogatar case advance ID close`)"
            )
    return target


def _states_of_all_versions(rt: Runtime, workflow: str, versions: Sequence[int]) -> set[str]:
    states: set[str] = set()
    for version in versions:
        try:
            states.update(rt.machine_at(workflow, version).definition.state_names)
        except DefinitionError:
            continue  # a version that no longer loads still has no case we could move
    return states


def _running_cases(rt: Runtime, command: MigrateWorkflow) -> list[CaseRow]:
    """Running cases of the workflow on another version; asked-for ids must be among
    the workflow's cases, and a finished one is named rather than skipped silently."""
    query = (
        select(CaseRow)
        .where(CaseRow.workflow == command.workflow)
        .where(CaseRow.workflow_version != command.to_version)
        .order_by(CaseRow.id)
    )
    wanted = list(dict.fromkeys(command.case_ids))
    if wanted:
        query = query.where(CaseRow.id.in_(wanted))
    with rt.session_factory() as session:
        rows = list(session.scalars(query))
        if wanted:
            found = {row.id for row in rows}
            missing = [case_id for case_id in wanted if case_id not in found]
            if missing:
                on_target = set(
                    session.scalars(
                        select(CaseRow.id).where(
                            CaseRow.id.in_(missing),
                            CaseRow.workflow == command.workflow,
                            CaseRow.workflow_version == command.to_version,
                        )
                    )
                )
                first = missing[0]
                if first in on_target:
                    raise InvalidInput(f"case {first} runs on version {command.to_version} already")
                raise InvalidInput(f"case {first} is not a case of workflow {command.workflow!r}")
        running = []
        for row in rows:
            definition = rt.machine_of(row).definition
            if not definition.is_final(row.state):
                running.append(row)
            elif wanted:
                raise InvalidInput(
                    f"case {row.id} is {row.state} (finished): only running cases are migrated"
                )
        session.expunge_all()
    return running


def _move(
    rt: Runtime,
    plan: CasePlan,
    target: WorkflowDefinition,
    command: MigrateWorkflow,
    actor: str,
) -> CasePlan:
    """One case in one transaction; planned again under the row's lock, so a case that
    moved meanwhile is judged as it is now."""
    with rt.unit_of_work() as uow:
        case = uow.session.scalars(
            select(CaseRow).where(CaseRow.id == plan.case_id).with_for_update()
        ).one()
        if case.workflow_version == command.to_version:
            return replace(plan, outcome="kept", note="already moved")
        current = plan_case(case, target, command.mapping)
        if current.outcome == "refused" or current.to_state is None:
            return current
        append_event(
            uow,
            case=case,
            trigger=MIGRATE_TRIGGER,
            to_state=current.to_state,
            actor=actor,
            now=rt.clock.now(),
            data={
                "workflow": command.workflow,
                "from_version": case.workflow_version,
                "to_version": command.to_version,
                "from_state": current.from_state,
                "mapping": current.note,
            },
        )
        uow.session.execute(
            update(CaseRow)
            .where(CaseRow.id == case.id)
            .values(workflow_version=command.to_version)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
        return current
