"""Sending mail. ``Mailer`` is what effect handlers depend on; ``SmtpMailer`` sends through
the configured SMTP server (the local sink in development), ``MemoryMailer`` keeps mails
for tests.

``send`` raises, never returns a status: ``MailTemporaryError`` when trying again later
may work (server down, timeout, 4xx), ``MailPermanentError`` when it cannot (5xx, bad
address). The engine's delivery turns the first into a retry with backoff and the second
into an incident, so a handler needs no error handling of its own.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from typing import Literal, Protocol

from config.settings import Settings
from workflow.notifications.errors import MailError, MailPermanentError, MailTemporaryError
from workflow.notifications.message import (
    is_eight_bit,
    parse_mailbox,
    recipients_of,
    sender_of,
    seven_bit_copy,
    to_bytes,
)

TlsMode = Literal["none", "starttls", "ssl"]


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send MESSAGE; return its Message-ID. Raises MailTemporaryError or
        MailPermanentError."""
        ...


def _server_words(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:200]


def _refused_error(refused: dict[str, tuple[int, bytes]], server: str) -> MailError:
    details = {address: (code, _server_words(words)) for address, (code, words) in refused.items()}
    listed = "; ".join(f"{a}: {code} {words}" for a, (code, words) in sorted(details.items()))
    message = f"the mail server {server} refused recipients: {listed}"
    if any(500 <= code < 600 for code, _ in details.values()):
        return MailPermanentError(message, refused=details, smtp_code=max(details.values())[0])
    return MailTemporaryError(message, refused=details, smtp_code=max(details.values())[0])


def classify(error: Exception, *, step: str, server: str, timeout: float) -> MailError:
    """The mail error for what smtplib or the network raised while doing STEP."""
    # Order matters: smtplib's errors and ssl's are all OSErrors.
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _refused_error(error.recipients, server)
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        hint = ""
        if isinstance(error, smtplib.SMTPAuthenticationError):
            hint = "; check HOGATAR_SMTP_USER and HOGATAR_SMTP_PASSWORD"
        message = (
            f"the mail server {server} answered {code} {_server_words(error.smtp_error)} "
            f"while {step}{hint}"
        )
        if 500 <= code < 600:
            return MailPermanentError(message, smtp_code=code)
        return MailTemporaryError(message, smtp_code=code)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        hint = {
            "starting TLS": "; set HOGATAR_SMTP_TLS to none or ssl",
            "logging in": "; unset HOGATAR_SMTP_USER or use a server that takes a login",
        }.get(step, "")
        return MailPermanentError(f"the mail server {server} cannot do it: {error}{hint}")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return MailTemporaryError(
            f"the mail server {server} closed the connection while {step} ({error})"
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        # A certificate does not become trustworthy by waiting: someone must look at it.
        return MailPermanentError(
            f"the mail server {server} has a certificate that cannot be trusted: "
            f"{getattr(error, 'verify_message', None) or error}"
        )
    if isinstance(error, ConnectionRefusedError):
        return MailTemporaryError(f"cannot reach the mail server at {server}: connection refused")
    if isinstance(error, TimeoutError):
        return MailTemporaryError(
            f"the mail server {server} did not answer within {timeout:g} s while {step}"
        )
    if isinstance(error, socket.gaierror):
        return MailTemporaryError(f"cannot find the mail server {server}: {error.strerror}")
    if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
        reason = error.strerror or str(error) or type(error).__name__
        return MailTemporaryError(f"cannot reach the mail server at {server}: {reason}")
    return MailTemporaryError(
        f"the mail server {server} failed while {step}: {type(error).__name__}: {error}"
    )


class SmtpMailer:
    """Sends each mail over its own connection: few mails, and no idle connection for a
    server to drop between them."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        tls: TlsMode = "none",
        user: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        envelope_sender: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        if user and password is None:
            raise ValueError("a login needs a password")
        if not (user or "").isascii() or not (password or "").isascii():
            # smtplib encodes every login mechanism as ASCII; fail here, not mid-session.
            raise ValueError("the SMTP user and password must be ASCII")
        self.host = host
        self.port = port
        self.tls = tls
        self.user = user
        self._password = password
        self.timeout = timeout
        # Where bounces go; by default the From address of each mail.
        self.envelope_sender = parse_mailbox(envelope_sender).addr_spec if envelope_sender else None
        self._ssl_context = ssl_context
        # smtplib would ask DNS for this machine's full name (socket.getfqdn), which can
        # stall for seconds on a machine with a broken resolver.
        self.local_hostname = local_hostname or socket.gethostname() or "localhost"

    @classmethod
    def from_settings(
        cls, settings: Settings, *, ssl_context: ssl.SSLContext | None = None
    ) -> SmtpMailer:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
            timeout=settings.smtp_timeout_seconds,
            envelope_sender=settings.mail_sender,
            ssl_context=ssl_context,
        )

    @property
    def server(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=self._context(),
            )
        return smtplib.SMTP(
            self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout
        )

    def send(self, message: EmailMessage) -> str:
        message_id = message.get("Message-ID")
        if not message_id:
            raise MailPermanentError("the mail has no Message-ID; build it with build_message()")
        recipients = recipients_of(message)
        sender = self.envelope_sender or sender_of(message)
        step = "connecting"
        smtp: smtplib.SMTP | None = None
        try:
            smtp = self._connect()
            step = "greeting"
            smtp.ehlo()
            if self.tls == "starttls":
                step = "starting TLS"
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if self.user:
                step = "logging in"
                smtp.login(self.user, self._password or "")
            step = "sending"
            options: tuple[str, ...] = ()
            if is_eight_bit(message):
                if smtp.has_extn("8bitmime"):
                    options = ("BODY=8BITMIME",)
                else:
                    message = seven_bit_copy(message)
            refused = smtp.sendmail(sender, recipients, to_bytes(message), mail_options=options)
        except (smtplib.SMTPException, OSError) as exc:
            raise classify(exc, step=step, server=self.server, timeout=self.timeout) from exc
        finally:
            if smtp is not None:
                _quit_quietly(smtp)
        if refused:
            # The other recipients have the mail already, so a retry would repeat it for
            # them: features send one mail per recipient, which never comes here.
            raise _refused_error(refused, self.server)
        return str(message_id)


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    # The mail is accepted once DATA is answered 250. A failing QUIT after that must not
    # turn a sent mail into an error, or the engine would send it again.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class MemoryMailer:
    """A mailer for tests: keeps every mail; ``fail_with`` makes the next sends raise."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.fail_with: MailError | None = None

    def send(self, message: EmailMessage) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        message_id = message.get("Message-ID")
        if not message_id:
            raise MailPermanentError("the mail has no Message-ID; build it with build_message()")
        recipients_of(message)
        self.sent.append(message)
        return str(message_id)


def mailer_from_settings(settings: Settings) -> SmtpMailer:
    return SmtpMailer.from_settings(settings)
