"""One shared ``transitions`` Machine per workflow definition.

A Machine per loaded case would cost tens of KB and milliseconds each; instead every
case is represented by a throw-away token that carries only its state, and the shared
Machine moves the token. No callbacks are registered: the machine does no I/O and
never commits; the unit of work does.
"""

from __future__ import annotations

from transitions import Machine, MachineError

from workflow.definition import WorkflowDefinition


class _StateToken:
    """The smallest model the Machine accepts: just the ``state`` attribute."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


class SharedMachine:
    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        self._machine = Machine(
            model=None,
            states=definition.state_names,
            transitions=[
                {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest}
                for t in definition.transitions
            ],
            initial=definition.initial,
            auto_transitions=False,
            send_event=True,
        )

    def allowed_triggers(self, state: str) -> list[str]:
        return sorted(self._machine.get_triggers(state), key=self.definition.triggers.index)

    def fire(self, *, state: str, trigger: str) -> str:
        """Return the state ``trigger`` leads to from ``state``.

        Raises ``MachineError`` if the trigger is not allowed; callers check first so the
        user gets a domain error listing the allowed triggers.
        """
        token = _StateToken(state)
        event = self._machine.events.get(trigger)
        if event is None:
            raise MachineError(f"unknown trigger {trigger!r}")
        if not event.trigger(token):
            raise MachineError(f"{trigger!r} did not fire from {state!r}")
        return token.state
