"""Domain errors. Their messages are read by social workers and operators: plain words,
what is wrong and what would make it right. Entry points map them to exit codes / HTTP."""

from __future__ import annotations

from collections.abc import Sequence

from workflow.guards import Requirement


class HogatarError(Exception):
    """Base of every error the user should see as one clear line."""

    #: True when the request itself was wrong (CLI exit 2, HTTP 4xx).
    bad_input = True

    def cli_message(self) -> str:
        """The line the command line prints (some errors add the command to run)."""
        return str(self)


class DefinitionError(HogatarError):
    """A workflow definition in config/ is invalid; start-up stops."""

    bad_input = False


class InvalidInput(HogatarError):
    """A value given by the user is malformed (not JSON, negative version, ...)."""


class NotFound(HogatarError):
    """Something asked for by its id does not exist (HTTP 404)."""


class CaseNotFound(NotFound):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"case {case_id} does not exist")
        self.case_id = case_id


class UnknownWorkflow(HogatarError):
    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(f"unknown workflow {name!r}; known workflows: {', '.join(known)}")


class TriggerNotAllowed(HogatarError):
    def __init__(self, *, case_id: int, trigger: str, state: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (the case is final)"
        super().__init__(
            f"case {case_id} is {state}: '{trigger}' is not allowed from there; "
            f"allowed: {allowed_text}"
        )
        self.trigger = trigger
        self.state = state
        self.allowed = list(allowed)


class GuardFailed(HogatarError):
    """``requirements`` are the unmet ones (``workflow.guards.Requirement``: code, message,
    CLI hint); ``unmet`` their messages. The message says what to do first."""

    def __init__(self, *, case_id: int, trigger: str, unmet: Sequence[Requirement | str]) -> None:
        self.case_id = case_id
        self.trigger = trigger
        self.requirements = [
            r if isinstance(r, Requirement) else Requirement("requirement", r) for r in unmet
        ]
        self.unmet = [r.message for r in self.requirements]
        super().__init__(self._text(self.unmet))

    def _text(self, items: Sequence[str]) -> str:
        return f"case {self.case_id} cannot '{self.trigger}' yet; first " + "; ".join(items)

    def cli_message(self) -> str:
        """The message with each requirement's command, for the command line."""
        return self._text([r.with_hint() for r in self.requirements])


class ConcurrentUpdate(HogatarError):
    """The case changed since the caller read it; their change was not saved."""

    def __init__(self, *, case_id: int, expected: int, actual: int | None) -> None:
        now = f"it is now at version {actual}" if actual is not None else "it changed meanwhile"
        super().__init__(
            f"case {case_id} was changed by someone else (you had version {expected}, {now}); "
            "reload it and try again"
        )
        self.expected = expected
        self.actual = actual


class IncidentNotFound(NotFound):
    def __init__(self, incident_id: int) -> None:
        super().__init__(f"incident {incident_id} does not exist")


class IncidentNotOpen(HogatarError):
    def __init__(self, incident_id: int, status: str, action: str = "retry") -> None:
        super().__init__(f"incident {incident_id} is {status}, not open: nothing to {action}")


class PermanentEffectError(Exception):
    """Raised by a handler when retrying cannot help: an incident is opened at once."""


class ApprovalNotFound(NotFound):
    def __init__(self, approval_id: int) -> None:
        super().__init__(f"approval request {approval_id} does not exist")


class ApprovalRefused(HogatarError):
    """A decision or request the approval rules do not allow (self-approval, wrong role,
    a tier decided already, a request no longer pending); nothing was written."""

    def __init__(self, approval_id: int | None, why: str) -> None:
        prefix = f"approval request {approval_id}: " if approval_id is not None else ""
        super().__init__(prefix + why)
        self.approval_id = approval_id


class ApprovalLapsed(HogatarError):
    """The last approval came when the transition could no longer happen (the case moved
    on, or was moved to another workflow version): the request is closed as lapsed."""

    def __init__(self, approval_id: int, why: str) -> None:
        super().__init__(
            f"approval request {approval_id} lapsed: {why}; the request is closed, "
            "request the step again if it is still wanted"
        )
        self.approval_id = approval_id


class ApprovalBlocked(HogatarError):
    """The last approval came, but the transition's guards now refuse it: nothing was
    decided and the request stays pending (approve once the requirement is met, or reject)."""

    def __init__(self, approval_id: int, refusal: GuardFailed) -> None:
        self.approval_id = approval_id
        self.refusal = refusal
        super().__init__(self._text(str(refusal)))

    def _text(self, refusal: str) -> str:
        return f"approval request {self.approval_id} stays pending: {refusal}"

    def cli_message(self) -> str:
        return self._text(self.refusal.cli_message())
