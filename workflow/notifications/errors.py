"""Errors of outgoing mail, split by what the engine should do about them.

An effect handler lets these propagate: ``workflow.delivery`` retries a
``MailTemporaryError`` with backoff, and opens an incident at once for a
``MailPermanentError`` (a ``PermanentEffectError``), because sending the same mail again
cannot help until someone fixes an address, a template or the server's configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from workflow.errors import DefinitionError, HogatarError, PermanentEffectError


class MailError(HogatarError):
    """A mail was not sent. Not the user's input unless a subclass says so."""

    bad_input = False

    def __init__(
        self,
        message: str,
        *,
        smtp_code: int | None = None,
        refused: Mapping[str, tuple[int, str]] | None = None,
    ) -> None:
        super().__init__(message)
        #: The server's reply code when the server said no (e.g. 421, 550).
        self.smtp_code = smtp_code
        #: Recipients the server refused: address -> (code, the server's words).
        self.refused = dict(refused or {})


class MailTemporaryError(MailError):
    """The server could not be reached or answered 4xx: sending again later may work."""


class MailPermanentError(MailError, PermanentEffectError):
    """Sending the same mail again cannot work: a 5xx answer, a bad address, a bad template."""


class InvalidAddress(MailPermanentError):
    """An e-mail address is malformed: the caller's data needs fixing."""

    bad_input = True

    def __init__(self, address: str, problem: str) -> None:
        super().__init__(f"{address!r} {problem}")
        self.address = address


class TemplateError(MailPermanentError):
    """A mail cannot be rendered from its template with the values given."""

    bad_input = True


class UnknownTemplate(TemplateError):
    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(f"unknown mail template {name!r}; known: {', '.join(known)}")
        self.name = name


class MissingPlaceholder(TemplateError):
    def __init__(self, template: str, missing: Sequence[str]) -> None:
        names = ", ".join(sorted(missing))
        super().__init__(f"mail template {template!r} needs a value for: {names}")
        self.template = template
        self.missing = sorted(missing)


class TemplateDefinitionError(DefinitionError):
    """A template file under workflow/notifications/templates/ is malformed."""


class MailSinkError(HogatarError):
    """The local mail sink cannot start (e.g. its port is taken)."""

    bad_input = False
