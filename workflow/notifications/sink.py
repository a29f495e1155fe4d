"""A local SMTP server that sends nothing on: every mail it receives is kept as an .eml
file under the mail directory (``var/mail/`` by default), for a newcomer to open and read.

``hogatar run`` starts it when the configured SMTP server is this machine and nothing
listens there; ``hogatar mail sink`` or ``python -m workflow.notifications.sink`` run it
alone. The files are the bytes as received, so what a test or a person reads there is
exactly what a real server would have been given.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from config.settings import Settings, SettingsError, is_loopback, load_settings
from workflow.notifications.errors import MailSinkError

log = logging.getLogger(__name__)

Announce = Callable[[str], None]
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]+")


def _safe(text: str, limit: int = 100) -> str:
    return _UNSAFE.sub("_", text).strip("._")[:limit] or "no-id"


def _one_line(text: str, limit: int = 160) -> str:
    return " ".join(text.split())[:limit]


def _headers(content: bytes) -> tuple[str, str]:
    """(Message-ID, Subject) of a mail, decoded; placeholders when they cannot be read."""
    try:
        # The Message-ID as written, not as the strict parser would repair it.
        raw = BytesParser(policy=policy.compat32).parsebytes(content, headersonly=True)
        message_id = str(raw.get("Message-ID") or "").strip().strip("<>")
    except Exception:  # noqa: BLE001 - a sink keeps whatever arrives, however malformed
        message_id = ""
    try:
        headers = BytesParser(policy=policy.default).parsebytes(content, headersonly=True)
        subject = _one_line(str(headers.get("Subject") or "")) or "(no subject)"
    except Exception:  # noqa: BLE001
        subject = "(unreadable subject)"
    return message_id, subject


class EmlSink:
    """aiosmtpd handler: accepts every mail and writes it to DIRECTORY as an .eml file."""

    def __init__(
        self,
        directory: Path,
        *,
        announce: Announce | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.directory = directory
        self._announce = announce or log.info
        self._now = now

    def store(self, content: bytes) -> Path:
        """Write CONTENT under a name of its time and Message-ID; no reader ever sees a
        half-written file, and no mail replaces another."""
        self.directory.mkdir(parents=True, exist_ok=True)
        message_id, _ = _headers(content)
        stem = f"{self._now():%Y%m%d-%H%M%S-%f}_{_safe(message_id)}"
        temporary = self.directory / f".{stem}.{os.getpid()}.tmp"
        temporary.write_bytes(content)
        target = self.directory / f"{stem}.eml"
        counter = 1
        # All writes happen on the sink's one event-loop thread: check-then-rename is safe.
        while target.exists():
            target = self.directory / f"{stem}-{counter}.eml"
            counter += 1
        os.replace(temporary, target)
        return target

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content
        if content is None:
            raw = envelope.content
            content = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
        try:
            path = self.store(content or b"")
        except Exception as exc:  # noqa: BLE001 - answer the client, never crash the sink
            log.error("could not keep a mail in %s: %s", self.directory, exc)
            # 4xx: the sender keeps the mail and tries again, so nothing is lost.
            return "451 4.3.0 Could not store the mail; try again later"
        try:
            _, subject = _headers(content or b"")
            recipients = ", ".join(envelope.rcpt_tos) or "-"
            self._announce(
                f"mail from {envelope.mail_from or '-'} to {_one_line(recipients)}: "
                f"{subject} -> {path}"
            )
        except Exception:  # noqa: BLE001 - the mail is kept; a failed log line is no error
            log.debug("could not announce a mail", exc_info=True)
        return "250 OK: kept"


class RunningSink:
    """A sink listening in a background thread; ``stop()`` (or leaving ``with``) ends it."""

    def __init__(self, controller: Controller, directory: Path) -> None:
        self._controller = controller
        self._stopped = False
        self.host = str(controller.hostname)
        self.port = int(controller.port)
        self.directory = directory

    def stop(self) -> None:
        # Safe to call twice (an explicit stop inside a ``with``): the loop closes once.
        if not self._stopped:
            self._stopped = True
            self._controller.stop(no_assert=True)

    def __enter__(self) -> RunningSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _check_free(host: str, port: int) -> None:
    # aiosmtpd reports a failed bind only after its whole ready timeout; a probe on the
    # same address says at once that the port is taken.
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise MailSinkError(f"the mail sink cannot listen on {host}:{port}: {reason}") from None


def serve(
    host: str,
    port: int,
    directory: Path,
    *,
    announce: Announce | None = None,
    handler: Any = None,
) -> RunningSink:
    """Start a sink on HOST:PORT keeping mails in DIRECTORY; returns once it listens.

    HANDLER replaces the default EmlSink (tests use one that refuses some recipients).
    Raises MailSinkError if the address cannot be used (e.g. the port is taken).
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MailSinkError(f"the mail sink cannot use {directory}: {exc.strerror}") from None
    _check_free(host, port)
    controller = Controller(
        handler if handler is not None else EmlSink(directory, announce=announce),
        hostname=host,
        port=port,
        ready_timeout=10.0,
        # Named here, because aiosmtpd would otherwise ask DNS for this machine's name.
        server_hostname="hogatar-mail-sink",
        # Keep the bytes as sent; accept international addresses rather than refuse them.
        decode_data=False,
        enable_SMTPUTF8=True,
    )
    try:
        controller.start()
    except (OSError, TimeoutError) as exc:
        with suppress(RuntimeError):  # its loop may be closed already
            controller.stop(no_assert=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise MailSinkError(f"the mail sink cannot listen on {host}:{port}: {reason}") from None
    return RunningSink(controller, directory)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    # Signal handlers can only be set from the main thread (not under a test runner's).
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, on_signal)
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_forever(host: str, port: int, directory: Path, *, announce: Announce) -> None:
    """Run a sink in the foreground until Ctrl-C or SIGTERM."""
    with _stop_on_signals() as stop, serve(host, port, directory, announce=announce):
        announce(f"mail sink listening on {host}:{port}; mails are kept in {directory}")
        while not stop.wait(0.5):
            pass
    announce("mail sink stopped")


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout):
            return True
    except OSError:
        return False


def sink_wanted(settings: Settings) -> bool:
    """True when mail goes to this machine, plainly, and nothing listens there: then
    ``hogatar run`` starts the sink so that mails are kept rather than retried forever."""
    return (
        is_loopback(settings.smtp_host)
        and settings.smtp_tls == "none"
        and not settings.smtp_user
        and not port_answers(settings.smtp_host, settings.smtp_port)
    )


def sink_argv(settings: Settings) -> list[str]:
    return [
        sys.executable,
        "-m",
        "workflow.notifications.sink",
        "--host",
        settings.smtp_host,
        "--port",
        str(settings.smtp_port),
        "--dir",
        str(settings.resolved_mail_dir),
    ]


def _print_line(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workflow.notifications.sink",
        description="Keep every mail sent to this SMTP server as an .eml file.",
    )
    parser.add_argument("--host", help="address to listen on (default: HOGATAR_SMTP_HOST)")
    parser.add_argument("--port", type=int, help="port (default: HOGATAR_SMTP_PORT)")
    parser.add_argument("--dir", type=Path, help="where to keep mails (default: HOGATAR_MAIL_DIR)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        run_forever(
            args.host or settings.smtp_host,
            args.port or settings.smtp_port,
            args.dir or settings.resolved_mail_dir,
            announce=_print_line,
        )
    except (SettingsError, MailSinkError) as exc:
        print(f"hogatar mail sink: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, SettingsError) else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
