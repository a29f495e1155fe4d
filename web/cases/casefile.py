"""One case as the case page and the API show it, whatever its workflow: the header, the
definition version it runs on, the timeline (events and the work done around the case,
with each effect's delivery), and the transitions from the current state with what each
still needs. A workflow's own part of the file (the family's household, assessments,
plan, ...) comes from its plug-in (``web.shared.plugins``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from web.shared.permissions import Permission, step_permission
from web.shared.plugins import WorkflowPlugins
from workflow import queries
from workflow.clock import as_utc
from workflow.errors import CaseNotFound
from workflow.guards import GuardContext
from workflow.persistence.models import CaseRow
from workflow.programme import reminders as programme_reminders
from workflow.runtime import Runtime
from workflow.scoping import may_change
from workflow.services import snapshot_of

#: Guards met by what the transition's own form asks for (a closure reason, a reason):
#: the case page offers the form instead of listing them as unmet.
INPUT_GUARDS = frozenset({"closure_reason_given", "reason_given"})


@dataclass(frozen=True)
class Requirement:
    guard: str
    message: str


@dataclass(frozen=True)
class TransitionOption:
    trigger: str
    dest: str
    unmet: tuple[Requirement, ...]
    needs_reason: bool
    #: What the reader's role must allow to take the step; the page names the roles that can.
    permission: Permission
    #: The guards met by what the step's form asks for (``INPUT_GUARDS``).
    asks: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.unmet


def transition_options(rt: Runtime, session: Session, case: CaseRow) -> list[TransitionOption]:
    """Every transition from the case's state, each guard evaluated on its own so the page
    can say (in the reader's language) which requirement is still open."""
    definition = rt.machine_of(case).definition
    snapshot = snapshot_of(case)
    facts = rt.facts_loader(case.workflow)(session, snapshot)
    options = []
    for trigger in definition.allowed_triggers(case.state):
        transition = definition.transition(trigger, case.state)
        assert transition is not None  # listed as allowed from this state just above
        context = GuardContext(case=snapshot, trigger=trigger, reason=None, data={}, facts=facts)
        unmet = tuple(
            Requirement(guard, message)
            for guard in transition.guards
            if guard not in INPUT_GUARDS
            for message in rt.guards.unmet([guard], context)
        )
        options.append(
            TransitionOption(
                trigger=trigger,
                dest=transition.dest,
                unmet=unmet,
                needs_reason=any(guard in INPUT_GUARDS for guard in transition.guards),
                permission=step_permission(trigger, transition),
                asks=tuple(guard for guard in transition.guards if guard in INPUT_GUARDS),
            )
        )
    return options


def case_step_permission(rt: Runtime, case_id: int, trigger: str) -> Permission:
    """Who may fire ``trigger`` on this case, by the case's own definition version (a step
    that needs approval may be requested by whoever edits cases)."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        transition = rt.machine_of(case).definition.transition(trigger, case.state)
    return step_permission(trigger, transition)


def case_changeable(rt: Runtime, case_id: int) -> bool:
    """Whether the reader may change the case (scoped access: a colleague's case of their
    community is read-only)."""
    with rt.session_factory() as session:
        return may_change(session, case_id)


def unmet_requirements(rt: Runtime, case_id: int, trigger: str) -> tuple[Requirement, ...]:
    """What a refused step still needs, read again for the page that says so (the engine's
    refusal carries its English sentences only)."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        options = transition_options(rt, session, case) if case is not None else []
    return next((option.unmet for option in options if option.trigger == trigger), ())


def _effect(view: dict[str, Any]) -> dict[str, Any]:
    # An effect not yet published has no task id; its task will be outbox-<id>.
    return {**view, "task_id": view["task_id"] or f"outbox-{view['id']}"}


def _timeline(rt: Runtime, case_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Events (transitions and case-file changes, with their effects) and activities (work
    done around the case: a referral mailed, goods ordered), merged newest first; each
    activity a worker did carries the effect that did it. Also the background effects no
    activity accounts for (still queued, failed, or with nothing to show)."""
    view = queries.case_view(rt, case_id=case_id)
    background = {
        fx["task_id"] or f"outbox-{fx['id']}": _effect(fx) for fx in view["background_effects"]
    }
    entries = [
        {
            **event,
            "kind": "event",
            "at": datetime.fromisoformat(event["at"]),
            "effects": [_effect(fx) for fx in event["effects"]],
        }
        for event in view["timeline"]
    ]
    shown: set[str] = set()
    for activity in view["activities"]:
        task = activity["data"].get("task_id")
        effect = background.get(task) if isinstance(task, str) else None
        if effect is not None:
            shown.add(effect["task_id"])
        entries.append(
            {
                "kind": "activity",
                "trigger": activity["kind"],
                "state": activity["state"],
                "actor": activity["actor"],
                "at": datetime.fromisoformat(activity["at"]),
                "reason": activity["reason"],
                "data": activity["data"],
                "effects": [effect] if effect is not None else [],
            }
        )
    # A stable sort: at the same moment an event stays before the activity it caused.
    entries.sort(key=lambda entry: entry["at"])
    entries.reverse()
    return entries, [fx for task, fx in background.items() if task not in shown]


def case_file(rt: Runtime, case_id: int, plugins: WorkflowPlugins | None = None) -> dict[str, Any]:
    """The case as every workflow has it (header, its definition version, the steps from
    its state, timeline, reminders), then the workflow's own part from its plug-in."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        definition = rt.machine_of(case).definition
        options = transition_options(rt, session, case)
        header: dict[str, Any] = {
            "id": case.id,
            "workflow": case.workflow,
            "workflow_version": case.workflow_version,
            "state": case.state,
            "version": case.version,
            "final": definition.is_final(case.state),
            "opened_at": as_utc(case.opened_at),
            "updated_at": as_utc(case.updated_at),
            "family_name": case.family_name or "",
        }
    plugin = (plugins or WorkflowPlugins()).of(header["workflow"])
    # Each read below opens its own session: one at a time (on SQLite every session
    # begins IMMEDIATE, so a second one inside the first would wait for it forever).
    own = plugin.load(rt, case_id) if plugin.load is not None else {}
    timeline, background = _timeline(rt, case_id)
    return {
        "case": {**header, **own.pop("case", {})},
        "definition": definition,
        "plugin": plugin,
        "transitions": options,
        "timeline": timeline,
        "background": background,
        "reminders": programme_reminders.list_reminders(rt, case_id=case_id),
        **own,
    }
