"""SmtpMailer against a real SMTP server (aiosmtpd, started by each test on a free port):
what arrives is exactly what was sent, and every failure is sorted into retry-later or
give-up the way the engine's delivery needs."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support import free_port, service_missing, wait_for
from workflow.notifications import (
    MailPermanentError,
    MailTemporaryError,
    SmtpMailer,
    compose,
    message_key,
    render,
)
from workflow.notifications.sink import EmlSink, serve

VALUES = {
    "referral_number": 14,
    "case_number": 345,
    "service": "հոգեբանական խորհրդատվություն",
    "respond_by": date(2026, 2, 1),
    "social_worker": "Անի Մելքոնյան",
    "worker_phone": "+374 93 555101",
    "worker_email": "ani@hogatar.example",
    "programme_address": "Ծրագրի գրասենյակ, Կենտրոն թաղամաս, ք. Հրազդան",
    "programme_phone": "+374 223 2 00 00",
    "programme_email": "office@hogatar.example",
    # The partner answers by the link the mail carries (README "Partners answer by link").
    "partner_link": "https://hogatar.example/partners/referrals/14/b7Qx",
    "link_days": 30,
}


def referral(to="partner@example.am", key="outbox.42.partner.3", language="hy"):
    return compose(
        template="referral_to_partner",
        values=VALUES,
        language=language,
        sender="Հոգատար <hogatar@example.am>",
        to=to,
        key=key,
        now=datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
    )


def kept(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.eml"))


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def sink(mail_dir):
    with serve("127.0.0.1", free_port(), mail_dir) as running:
        yield running


def mailer_for(port, **options):
    return SmtpMailer(host="127.0.0.1", port=port, timeout=5, **options)


def test_an_armenian_mail_arrives_byte_for_byte(sink, mail_dir):
    message = referral()
    message_id = mailer_for(sink.port).send(message)
    assert message_id == "<outbox.42.partner.3@hogatar>"
    [path] = kept(mail_dir)
    assert path.name.endswith("_outbox.42.partner.3@hogatar.eml")
    raw = path.read_bytes()
    received = message_from_bytes(raw, policy=policy.default)
    expected = render("referral_to_partner", VALUES, language="hy")
    assert received["Subject"] == expected.subject == "Նոր ուղեգրում №14 (դեպք №345)"
    assert received.get_content().replace("\r\n", "\n") == expected.body
    assert received["Message-ID"] == message_id
    assert received["X-Hogatar-Key"] == "outbox.42.partner.3"
    assert received["Content-Language"] == "hy"
    # The body is plain UTF-8 in the file, so a newcomer can read it in any editor.
    assert "Սոցիալական աշխատողը՝ Անի Մելքոնյան".encode() in raw


def test_english_for_a_recipient_who_reads_english(sink, mail_dir):
    mailer_for(sink.port).send(referral(language="en"))
    received = message_from_bytes(kept(mail_dir)[0].read_bytes(), policy=policy.default)
    assert received["Subject"] == "New referral 14 (case 345)"
    assert received["Content-Language"] == "en"


def test_server_down_is_temporary_and_the_mail_goes_out_once_it_is_back(mail_dir):
    port = free_port()
    mailer = mailer_for(port)
    message = referral()
    with pytest.raises(MailTemporaryError, match="connection refused"):
        mailer.send(message)
    with serve("127.0.0.1", port, mail_dir):
        assert mailer.send(message) == "<outbox.42.partner.3@hogatar>"
    assert len(kept(mail_dir)) == 1


def test_a_server_that_never_answers_times_out_as_temporary():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections are accepted by the kernel; nobody greets them
        mailer = SmtpMailer(host="127.0.0.1", port=silent.getsockname()[1], timeout=0.3)
        with pytest.raises(MailTemporaryError):
            mailer.send(referral())


class Refusing(EmlSink):
    """Refuses some recipients, or the whole mail, with the code a test chooses."""

    def __init__(self, directory, *, rcpt=None, data=None):
        super().__init__(directory)
        self.rcpt = rcpt or {}
        self.data = data

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rcpt:
            return self.rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data:
            return self.data
        return await super().handle_DATA(server, session, envelope)


def refusing_sink(mail_dir, **refusals):
    return serve("127.0.0.1", free_port(), mail_dir, handler=Refusing(mail_dir, **refusals))


def test_a_recipient_refused_with_550_is_permanent(mail_dir):
    refusal = {"gone@example.am": "550 5.1.1 No such user here"}
    with (
        refusing_sink(mail_dir, rcpt=refusal) as running,
        pytest.raises(MailPermanentError) as caught,
    ):
        mailer_for(running.port).send(referral(to="gone@example.am"))
    error = caught.value
    assert error.smtp_code == 550
    assert error.refused == {"gone@example.am": (550, "5.1.1 No such user here")}
    assert "gone@example.am: 550" in str(error)
    assert kept(mail_dir) == []


def test_a_recipient_refused_with_450_is_temporary(mail_dir):
    refusal = {"busy@example.am": "450 4.2.1 Mailbox busy, try later"}
    with (
        refusing_sink(mail_dir, rcpt=refusal) as running,
        pytest.raises(MailTemporaryError) as caught,
    ):
        mailer_for(running.port).send(referral(to="busy@example.am"))
    assert caught.value.smtp_code == 450


def test_a_refusal_of_some_recipients_names_them(mail_dir):
    refusal = {"gone@example.am": "550 5.1.1 No such user here"}
    with (
        refusing_sink(mail_dir, rcpt=refusal) as running,
        pytest.raises(MailPermanentError) as caught,
    ):
        mailer_for(running.port).send(referral(to=["ok@example.am", "gone@example.am"]))
    assert set(caught.value.refused) == {"gone@example.am"}
    assert len(kept(mail_dir)) == 1  # ok@example.am has it


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("451 4.3.0 Local error, try again", MailTemporaryError),
        ("554 5.6.0 Message rejected", MailPermanentError),
    ],
)
def test_a_refused_mail_body(mail_dir, answer, kind):
    with refusing_sink(mail_dir, data=answer) as running, pytest.raises(kind) as caught:
        mailer_for(running.port).send(referral())
    assert caught.value.smtp_code == int(answer[:3])
    assert "while sending" in str(caught.value)


class Without8BitMime(EmlSink):
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [line for line in responses if "8BITMIME" not in line]


def test_a_server_without_8bitmime_gets_base64_and_the_same_text(mail_dir):
    handler = Without8BitMime(mail_dir)
    with serve("127.0.0.1", free_port(), mail_dir, handler=handler) as running:
        mailer_for(running.port).send(referral())
    raw = kept(mail_dir)[0].read_bytes()
    assert raw.isascii()
    received = message_from_bytes(raw, policy=policy.default)
    assert received["Content-Transfer-Encoding"] == "base64"
    expected = render("referral_to_partner", VALUES, language="hy")
    assert received.get_content().replace("\r\n", "\n") == expected.body


# STARTTLS and login need a certificate; openssl makes a throwaway one in a blink.
@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        service_missing("openssl", "no certificate for the STARTTLS tests")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate, mail_dir):
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and (
            auth_data.login,
            auth_data.password,
        ) == (b"hogatar", b"s3cret!")
        # handled=False: aiosmtpd answers 535 itself.
        return AuthResult(success=good, handled=False)

    port = free_port()
    controller = Controller(
        EmlSink(mail_dir),
        hostname="127.0.0.1",
        port=port,
        server_hostname="test-tls",
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
    )
    controller.start()
    client_context = ssl.create_default_context(cafile=str(cert))
    yield port, client_context
    controller.stop()


def test_starttls_and_login(tls_server, mail_dir):
    port, trusted = tls_server
    mailer = mailer_for(
        port, tls="starttls", user="hogatar", password="s3cret!", ssl_context=trusted
    )
    assert mailer.send(referral()) == "<outbox.42.partner.3@hogatar>"
    assert len(kept(mail_dir)) == 1


def test_a_wrong_password_is_permanent_and_names_the_settings(tls_server):
    port, trusted = tls_server
    mailer = mailer_for(port, tls="starttls", user="hogatar", password="wrong", ssl_context=trusted)
    with pytest.raises(MailPermanentError, match="HOGATAR_SMTP_PASSWORD") as caught:
        mailer.send(referral())
    assert caught.value.smtp_code == 535


def test_an_untrusted_certificate_is_permanent(tls_server):
    port, _ = tls_server
    mailer = mailer_for(port, tls="starttls", ssl_context=ssl.create_default_context())
    with pytest.raises(MailPermanentError, match="certificate that cannot be trusted"):
        mailer.send(referral())


def test_plain_text_to_a_server_that_requires_starttls_is_refused(tls_server):
    port, _ = tls_server
    with pytest.raises(MailPermanentError) as caught:
        mailer_for(port).send(referral())
    assert caught.value.smtp_code == 530


def test_starttls_against_a_server_without_it_is_permanent_with_a_hint(sink):
    mailer = mailer_for(sink.port, tls="starttls")
    with pytest.raises(MailPermanentError, match="HOGATAR_SMTP_TLS"):
        mailer.send(referral())


def test_many_mails_in_a_row_keep_one_file_each(sink, mail_dir):
    mailer = mailer_for(sink.port)
    for number in range(5):
        mailer.send(referral(key=message_key("outbox", number)))
    # The same key again is the same mail: a second file with the same Message-ID.
    mailer.send(referral(key=message_key("outbox", 0)))
    names = [path.name for path in wait_for(lambda: kept(mail_dir), timeout=5)]
    assert len(names) == 6
    assert sum(name.endswith("_outbox.0@hogatar.eml") for name in names) == 2
