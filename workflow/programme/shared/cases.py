"""What every change to a family's case file needs: the case (checked to be an
open family case at the caller's version), the timeline entry, and what is returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.clock import local_day
from workflow.persistence.models import CaseRow
from workflow.programme.shared.errors import CaseIsClosed, NotAFamilyCase
from workflow.programme.shared.values import Collector
from workflow.runtime import Runtime
from workflow.services import append_event, load_case
from workflow.unit_of_work import UnitOfWork

FAMILY_WORKFLOW = "family_case"
#: The foster-care pilot's cases: prospective foster families (workflow/programme/foster_care).
FOSTER_WORKFLOW = "foster_care"
#: Workflows whose cases have a service plan: a foster family's plan holds its starter kit,
#: whose delivery procurement records on it.
PLAN_WORKFLOWS = (FAMILY_WORKFLOW, FOSTER_WORKFLOW)


def final_states(rt: Runtime) -> set[str]:
    definition = rt.machine(FAMILY_WORKFLOW).definition
    return {state.name for state in definition.states if state.final}


def open_states(rt: Runtime) -> list[str]:
    definition = rt.machine(FAMILY_WORKFLOW).definition
    return [state.name for state in definition.states if not state.final]


def case_for_change(
    rt: Runtime,
    uow: UnitOfWork,
    case_id: int,
    expected_version: int | None,
    *,
    workflows: tuple[str, ...] = (FAMILY_WORKFLOW,),
) -> CaseRow:
    """A case of one of ``workflows`` (a family case unless told otherwise) that may be
    changed: it exists, the version is current, it is open (by its own definition)."""
    case = load_case(uow, case_id, expected_version)
    if case.workflow not in workflows:
        raise NotAFamilyCase(case.id, case.workflow)
    if rt.machine_of(case).definition.is_final(case.state):
        raise CaseIsClosed(case.id)
    return case


def record_change(
    rt: Runtime,
    uow: UnitOfWork,
    *,
    case: CaseRow,
    trigger: str,
    actor: str,
    data: dict[str, Any],
    reason: str | None = None,
) -> int:
    """Put a change on the case's timeline and bump its version; the state stays.
    Returns the case's new version."""
    append_event(
        uow,
        case=case,
        trigger=trigger,
        to_state=case.state,
        actor=actor,
        now=rt.clock.now(),
        reason=reason,
        data=data,
    )
    return case.version


def not_in_future(rt: Runtime, day: date, field: str, problems: Collector) -> None:
    if day > local_day(rt.clock.now()):
        problems.add(field, f"{day.isoformat()} is in the future")


@dataclass(frozen=True)
class CaseFileChanged:
    """A change to a case file that left its state alone; ``version`` is the new one."""

    case_id: int
    trigger: str
    version: int
    record_id: int | None = None
