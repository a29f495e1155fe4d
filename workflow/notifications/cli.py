"""``hogatar mail ...``: run the local sink, send a test mail through the configured SMTP."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from config.settings import get_settings, is_loopback
from workflow.errors import InvalidInput
from workflow.notifications.errors import MailTemporaryError
from workflow.notifications.mailer import SmtpMailer
from workflow.notifications.message import compose, message_key
from workflow.notifications.sink import port_answers, run_forever
from workflow.notifications.templates import LANGUAGES


def mail_sink(
    host: Annotated[
        str | None, typer.Option("--host", help="Listen address (default: HOGATAR_SMTP_HOST).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", min=1, max=65535, help="Port (default: HOGATAR_SMTP_PORT)."),
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Where to keep mails (default: HOGATAR_MAIL_DIR, var/mail)."),
    ] = None,
) -> None:
    """Keep every mail sent to the configured SMTP address as an .eml file; Ctrl-C stops."""
    settings = get_settings()
    run_forever(
        host or settings.smtp_host,
        port or settings.smtp_port,
        directory or settings.resolved_mail_dir,
        announce=typer.echo,
    )


def mail_test(
    to: Annotated[str, typer.Option("--to", help="Address to send the test mail to.")],
    language: Annotated[str, typer.Option("--language", help="hy or en")] = "hy",
) -> None:
    """Send a test mail through the configured SMTP server; prints its Message-ID."""
    if language not in LANGUAGES:
        raise InvalidInput(f"--language must be one of {', '.join(LANGUAGES)} (got {language!r})")
    settings = get_settings()
    mailer = SmtpMailer.from_settings(settings)
    now = datetime.now(UTC)
    message = compose(
        template="test_message",
        values={"sent_at": now, "server": mailer.server},
        language=language,
        sender=settings.mail_sender,
        to=to,
        # Every test mail is a new one: a unique key, not an idempotent one.
        key=message_key("test", f"{now:%Y%m%d%H%M%S}", secrets.token_hex(4)),
        now=now,
    )
    try:
        message_id = mailer.send(message)
    except MailTemporaryError as exc:
        if is_loopback(settings.smtp_host) and not port_answers(
            settings.smtp_host, settings.smtp_port
        ):
            raise MailTemporaryError(
                f"{exc}; for development, start the local sink with `hogatar mail sink`",
                smtp_code=exc.smtp_code,
            ) from None
        raise
    typer.echo(message_id)


def register_commands(app: typer.Typer) -> None:
    """Add the ``mail`` command group to the ``hogatar`` app."""
    mail_app = typer.Typer(no_args_is_help=True, help="E-mail: the local sink and a test mail.")
    mail_app.command("sink")(mail_sink)
    mail_app.command("test")(mail_test)
    app.add_typer(mail_app, name="mail")
