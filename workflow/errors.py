"""Domain errors. Their messages are read by social workers and operators: plain words,
what is wrong and what would make it right. Entry points map them to exit codes / HTTP."""

from __future__ import annotations

from collections.abc import Sequence


class HogatarError(Exception):
    """Base of every error the user should see as one clear line."""

    #: True when the request itself was wrong (CLI exit 2, HTTP 4xx).
    bad_input = True


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
    def __init__(self, *, case_id: int, trigger: str, unmet: Sequence[str]) -> None:
        super().__init__(f"case {case_id} cannot '{trigger}' yet: " + "; ".join(unmet))
        self.trigger = trigger
        self.unmet = list(unmet)


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
    def __init__(self, incident_id: int, status: str) -> None:
        super().__init__(f"incident {incident_id} is {status}, not open: nothing to retry")
