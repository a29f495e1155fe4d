"""The local sink (what `make run` uses instead of a mail server) and the `hogatar mail`
commands, against real sockets and a real child process."""

from __future__ import annotations

import os
import signal
import smtplib
import sys
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from config.settings import Settings
from tests.support import Process, free_port, wait_for
from workflow.errors import HogatarError, InvalidInput
from workflow.notifications import InvalidAddress, MailTemporaryError, SmtpMailer, compose
from workflow.notifications import cli as mail_cli
from workflow.notifications.errors import MailSinkError
from workflow.notifications.sink import EmlSink, serve, sink_argv, sink_wanted


def kept(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.eml"))


def test_the_directory_is_created_and_each_mail_announced(tmp_path):
    directory = tmp_path / "deep" / "mail"
    lines: list[str] = []
    with serve("127.0.0.1", free_port(), directory, announce=lines.append) as sink:
        message = compose(
            template="test_message",
            values={"sent_at": datetime.now(UTC), "server": "sink"},
            language="hy",
            sender="hogatar@localhost",
            to="Անի <ani@example.am>",
            key="test.1",
        )
        SmtpMailer(host=sink.host, port=sink.port).send(message)
    assert directory.is_dir() and len(kept(directory)) == 1
    [line] = lines
    assert line.startswith("mail from hogatar@localhost to ani@example.am: ")
    assert "«Հոգատար»՝ փորձնական նամակ" in line and str(kept(directory)[0]) in line


def test_odd_input_is_kept_and_the_sink_keeps_serving(tmp_path):
    with serve("127.0.0.1", free_port(), tmp_path) as sink:
        with smtplib.SMTP(sink.host, sink.port, local_hostname="test") as client:
            client.sendmail("a@x.am", ["b@x.am"], b"no headers at all \xff\xfe\r\n")
            client.sendmail("a@x.am", ["b@x.am"], b"Message-ID: <../../etc/passwd>\r\n\r\nx\r\n")
            client.sendmail("a@x.am", ["b@x.am"], b"Subject: =?utf-8?q?broken\r\n\r\n")
        # A client that hangs up mid-conversation does not stop the sink either.
        with smtplib.SMTP(sink.host, sink.port, local_hostname="test") as client:
            client.docmd("MAIL FROM:<a@x.am>")
        with smtplib.SMTP(sink.host, sink.port, local_hostname="test") as client:
            client.sendmail("a@x.am", ["b@x.am"], b"Subject: still here\r\n\r\nok\r\n")
    names = [path.name for path in kept(tmp_path)]
    assert len(names) == 4
    assert any(name.endswith("_no-id.eml") for name in names)
    assert any(name.endswith("_etc_passwd.eml") for name in names)
    # Nothing was written outside the directory, and no temporary file is left behind.
    assert {path.parent for path in tmp_path.rglob("*")} == {tmp_path}
    assert not list(tmp_path.glob(".*"))


def test_a_mail_that_cannot_be_stored_is_refused_as_temporary(tmp_path):
    class Unwritable(EmlSink):
        def store(self, content: bytes) -> Path:
            raise OSError(28, "No space left on device")

    with serve("127.0.0.1", free_port(), tmp_path, handler=Unwritable(tmp_path)) as sink:
        message = compose(
            template="test_message",
            values={"sent_at": datetime.now(UTC), "server": "sink"},
            language="en",
            sender="hogatar@localhost",
            to="ani@example.am",
            key="test.2",
        )
        with pytest.raises(MailTemporaryError) as caught:
            SmtpMailer(host=sink.host, port=sink.port).send(message)
    assert caught.value.smtp_code == 451


def test_file_names_are_safe_sortable_and_never_collide(tmp_path):
    moment = datetime(2026, 1, 15, 9, 30, 0, 123456, tzinfo=UTC)
    sink = EmlSink(tmp_path, now=lambda: moment)
    first = sink.store(b"Message-ID: <a/b c@hogatar>\r\n\r\nx\r\n")
    second = sink.store(b"Message-ID: <a/b c@hogatar>\r\n\r\ny\r\n")
    assert first.name == "20260115-093000-123456_a_b_c@hogatar.eml"
    assert second.name == "20260115-093000-123456_a_b_c@hogatar-1.eml"
    assert (first.read_bytes(), second.read_bytes()) == (
        b"Message-ID: <a/b c@hogatar>\r\n\r\nx\r\n",
        b"Message-ID: <a/b c@hogatar>\r\n\r\ny\r\n",
    )


def test_stop_may_be_called_twice(tmp_path):
    with serve("127.0.0.1", free_port(), tmp_path) as sink:
        sink.stop()


def test_an_unusable_directory_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(MailSinkError, match="cannot use"):
        serve("127.0.0.1", free_port(), tmp_path / "file" / "mail")


def test_a_taken_port_is_a_clear_error(tmp_path):
    with (
        serve("127.0.0.1", free_port(), tmp_path) as sink,
        pytest.raises(MailSinkError, match=f"cannot listen on 127.0.0.1:{sink.port}"),
    ):
        serve("127.0.0.1", sink.port, tmp_path)


def test_sink_wanted_only_when_mail_goes_here_plainly_and_nobody_listens(tmp_path):
    port = free_port()
    local = Settings(var_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    assert sink_wanted(local)
    with serve("127.0.0.1", port, tmp_path):
        assert not sink_wanted(local)
    assert not sink_wanted(local.model_copy(update={"smtp_host": "mail.example.am"}))
    assert not sink_wanted(local.model_copy(update={"smtp_tls": "starttls"}))
    argv = sink_argv(local)
    assert argv[:3] == [sys.executable, "-m", "workflow.notifications.sink"]
    assert argv[argv.index("--dir") + 1] == str(tmp_path / "mail")


def test_the_sink_runs_as_a_module_and_stops_cleanly_on_sigterm(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOGATAR_")}
    env.update(
        HOGATAR_VAR_DIR=str(tmp_path / "var"),
        HOGATAR_SMTP_PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    process = Process(
        "sink",
        [sys.executable, "-m", "workflow.notifications.sink"],
        env,
        tmp_path / "sink.log",
    )
    try:
        process.wait_for_log(f"mail sink listening on 127.0.0.1:{port}", timeout=30)
        message = compose(
            template="test_message",
            values={"sent_at": datetime.now(UTC), "server": f"127.0.0.1:{port}"},
            language="hy",
            sender="hogatar@localhost",
            to="ani@example.am",
            key="module.1",
        )
        SmtpMailer(host="127.0.0.1", port=port).send(message)
        mail_dir = tmp_path / "var" / "mail"
        [path] = wait_for(lambda: kept(mail_dir), timeout=10, what="the .eml file")
        process.wait_for_log(path.name, timeout=10)
        process.kill_group(signal.SIGTERM)
        assert process.popen.wait(timeout=10) == 0
        assert "mail sink stopped" in process.log()
    finally:
        process.stop()


@pytest.fixture
def mail_app(tmp_path, monkeypatch):
    """The `mail` group on an app of its own, with settings pointing at a test port."""
    app = typer.Typer()
    mail_cli.register_commands(app)
    port = free_port()
    settings = Settings(var_dir=tmp_path / "var", smtp_port=port)
    monkeypatch.setattr(mail_cli, "get_settings", lambda: settings)
    return app, settings


def invoke(app, *args):
    return CliRunner().invoke(app, ["mail", *args])


def test_mail_test_sends_through_the_configured_server(mail_app, tmp_path):
    app, settings = mail_app
    with serve("127.0.0.1", settings.smtp_port, settings.resolved_mail_dir):
        result = invoke(app, "test", "--to", "ani@example.am", "--language", "en")
    assert result.exit_code == 0, result.output
    message_id = result.output.strip()
    assert message_id.startswith("<test.") and message_id.endswith("@hogatar>")
    [path] = kept(settings.resolved_mail_dir)
    received = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert received["Message-ID"] == message_id
    assert received["Subject"] == "Hogatar: test mail"
    assert f"Server: 127.0.0.1:{settings.smtp_port}" in received.get_content()


def test_mail_test_in_armenian_by_default(mail_app):
    app, settings = mail_app
    with serve("127.0.0.1", settings.smtp_port, settings.resolved_mail_dir):
        assert invoke(app, "test", "--to", "ani@example.am").exit_code == 0
    received = message_from_bytes(
        kept(settings.resolved_mail_dir)[0].read_bytes(), policy=policy.default
    )
    assert received["Subject"] == "«Հոգատար»՝ փորձնական նամակ"


def test_mail_test_errors_are_domain_errors_with_a_hint(mail_app):
    app, settings = mail_app
    down = invoke(app, "test", "--to", "ani@example.am")
    assert isinstance(down.exception, MailTemporaryError)
    assert "connection refused" in str(down.exception)
    assert "hogatar mail sink" in str(down.exception)
    assert not down.exception.bad_input  # exit 1: nothing wrong with what was typed
    bad = invoke(app, "test", "--to", "not an address")
    assert isinstance(bad.exception, InvalidAddress) and bad.exception.bad_input
    language = invoke(app, "test", "--to", "ani@example.am", "--language", "fr")
    assert isinstance(language.exception, InvalidInput)
    assert "--language must be one of hy, en" in str(language.exception)
    for result in (down, bad, language):
        assert isinstance(result.exception, HogatarError)
