"""Building mails (headers, Message-ID, encoding) and sorting send errors into
retry-later and give-up, without a server."""

from __future__ import annotations

import smtplib
import ssl
import unicodedata
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest

from workflow.errors import HogatarError, PermanentEffectError
from workflow.notifications import (
    InvalidAddress,
    MailPermanentError,
    MailTemporaryError,
    MemoryMailer,
    build_message,
    compose,
    message_key,
)
from workflow.notifications.mailer import SmtpMailer, classify
from workflow.notifications.message import (
    check_key,
    recipients_of,
    seven_bit_copy,
    to_bytes,
)

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
SUBJECT = "Հիշեցում՝ խորհրդատվության հաջորդ հանդիպումը (դեպք №345)"
BODY = "Հարգելի Լիլիթ Հակոբյան,\n\nԴեպքի համարը՝ 345\nԵրևան և Աբովյան\n"


def armenian_mail(**overrides):
    values = dict(
        sender="Հոգատար <hogatar@example.am>",
        to="Լիլիթ Հակոբյան <lilit@example.am>",
        subject=SUBJECT,
        body=BODY,
        key="outbox.42.staff.7",
        language="hy",
        now=NOW,
    )
    values.update(overrides)
    return build_message(**values)


def parsed(message):
    return message_from_bytes(to_bytes(message), policy=policy.default)


def test_headers_of_a_built_mail():
    message = armenian_mail(reply_to="procurement@example.am", template="counselling_follow_up")
    assert message["Message-ID"] == "<outbox.42.staff.7@hogatar>"
    assert message["X-Hogatar-Key"] == "outbox.42.staff.7"
    assert message["X-Hogatar-Template"] == "counselling_follow_up"
    assert message["Content-Language"] == "hy"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"] == "Thu, 15 Jan 2026 09:30:00 +0000"
    assert message["Reply-To"] == "procurement@example.am"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["Content-Transfer-Encoding"] == "8bit"


def test_the_same_key_gives_the_same_message_id():
    first = armenian_mail(now=NOW)
    again = armenian_mail(now=datetime(2026, 1, 16, tzinfo=UTC))
    other = armenian_mail(key="outbox.43.staff.7")
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]


def test_armenian_survives_the_wire_format_exactly():
    wire = to_bytes(armenian_mail())
    # Headers are 7-bit (RFC 2047 words); the 8-bit body stays readable UTF-8.
    head, _, body = wire.partition(b"\r\n\r\n")
    assert head.isascii()
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    assert BODY.replace("\n", "\r\n").encode("utf-8") == body
    back = message_from_bytes(wire, policy=policy.default)
    assert back["Subject"] == SUBJECT
    assert back["To"].addresses[0].display_name == "Լիլիթ Հակոբյան"
    assert back.get_content().replace("\r\n", "\n") == BODY


def test_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Zoé և Անի")
    message = armenian_mail(subject=decomposed, body=decomposed)
    assert message["Subject"] == "Zoé և Անի"
    assert message.get_content() == "Zoé և Անի\n"


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        ("plain ASCII text\n", "7bit"),
        ("Բարև\n", "8bit"),
        ("Բ" * 600 + "\n", "base64"),  # 1200 octets: over the 998-octet line limit
    ],
)
def test_transfer_encoding_keeps_lines_legal(body, encoding):
    message = armenian_mail(body=body)
    assert message["Content-Transfer-Encoding"] == encoding
    assert parsed(message).get_content().replace("\r\n", "\n") == body


def test_seven_bit_copy_for_servers_without_8bitmime():
    original = armenian_mail()
    copy = seven_bit_copy(original)
    assert copy["Content-Transfer-Encoding"] == "base64"
    assert to_bytes(copy).isascii()
    assert copy["Content-Language"] == "hy" and copy["Message-ID"] == original["Message-ID"]
    assert parsed(copy).get_content().replace("\r\n", "\n") == BODY
    assert original["Content-Transfer-Encoding"] == "8bit"


def test_several_recipients_each_once():
    message = armenian_mail(to=["a@example.am", "B <b@example.am>", "a@example.am"])
    assert recipients_of(message) == ["a@example.am", "b@example.am"]


@pytest.mark.parametrize(
    "address",
    ["not an address", "a@", "@example.am", "a@example.am, b@example.am", "ա@օրինակ.հայ", ""],
)
def test_a_malformed_address_is_a_permanent_error_naming_it(address):
    with pytest.raises(InvalidAddress) as caught:
        armenian_mail(to=address)
    error = caught.value
    assert isinstance(error, PermanentEffectError) and isinstance(error, HogatarError)
    assert error.bad_input and repr(address) in str(error)


@pytest.mark.parametrize("subject", ["Դեպք\r\nBcc: x@example.am", "  ", "a\nb"])
def test_a_subject_cannot_smuggle_headers(subject):
    with pytest.raises(MailPermanentError, match="subject must be one non-empty line"):
        armenian_mail(subject=subject)


def test_no_recipient_is_refused():
    with pytest.raises(MailPermanentError, match="no recipient"):
        armenian_mail(to=[])


def test_message_keys():
    assert message_key("outbox", 42, "partner", 7) == "outbox.42.partner.7"
    # Dots separate the parts, so a dot inside a part becomes '-' like any other stranger.
    assert message_key("referrals.notify_partners:42", "Ո 1") == "referrals-notify_partners-42.1"
    assert check_key("a.b-c_d+e=f") == "a.b-c_d+e=f"
    for bad in ("", ".a", "a.", "a..b", "a:b", "a@b", "<a>", "x" * 201):
        with pytest.raises(MailPermanentError, match="mail key"):
            check_key(bad)


def test_compose_renders_in_the_recipients_language_with_armenian_by_default():
    values = {"sent_at": NOW, "server": "127.0.0.1:8025"}
    common = dict(template="test_message", values=values, sender="h@example.am", key="t1")
    hy = compose(**common, language=None, to="a@example.am", now=NOW)
    en = compose(**common, language="en-GB", to="a@example.am", now=NOW)
    fr = compose(**common, language="fr", to="a@example.am", now=NOW)
    assert hy["Subject"] == "«Հոգատար»՝ փորձնական նամակ" == fr["Subject"]
    assert en["Subject"] == "Hogatar: test mail"
    assert (hy["Content-Language"], en["Content-Language"]) == ("hy", "en")
    assert "Ուղարկվել է՝ 15.01.2026 13:30" in hy.get_content()
    assert hy["X-Hogatar-Template"] == "test_message"


def test_compose_with_referral_values_names_no_family():
    message = compose(
        template="referral_to_partner",
        values={
            "referral_number": 14,
            "case_number": 345,
            "service": "դեղորայք",
            "respond_by": date(2026, 2, 1),
            "social_worker": "Անի Մելքոնյան",
            "worker_phone": "+374 93 555101",
            "worker_email": "ani@hogatar.example",
            "programme_address": "Ծրագրի գրասենյակ, ք. Հրազդան",
            "programme_phone": "+374 223 2 00 00",
            "programme_email": "office@hogatar.example",
            "partner_link": "https://hogatar.example/partners/referrals/14/abc",
            "link_days": 30,
        },
        language="hy",
        sender="h@example.am",
        to="partner@example.am",
        key=message_key("outbox", 42, "partner", 3),
    )
    assert message["Subject"] == "Նոր ուղեգրում №14 (դեպք №345)"
    body = message.get_body(("plain",)).get_content()
    assert "https://hogatar.example/partners/referrals/14/abc" in body  # the answer link


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (ConnectionRefusedError(111, "Connection refused"), MailTemporaryError, "refused"),
        (TimeoutError("timed out"), MailTemporaryError, "did not answer within 5 s"),
        (OSError(101, "Network is unreachable"), MailTemporaryError, "Network is unreachable"),
        (smtplib.SMTPServerDisconnected("gone"), MailTemporaryError, "closed the connection"),
        (smtplib.SMTPConnectError(421, b"busy"), MailTemporaryError, "answered 421 busy"),
        (smtplib.SMTPSenderRefused(451, b"later", "h@x.am"), MailTemporaryError, "451"),
        (smtplib.SMTPDataError(452, b"full"), MailTemporaryError, "452 full"),
        (smtplib.SMTPDataError(554, b"spam"), MailPermanentError, "554 spam"),
        (smtplib.SMTPSenderRefused(553, b"no relay", "h@x.am"), MailPermanentError, "553"),
        (smtplib.SMTPAuthenticationError(535, b"bad"), MailPermanentError, "HOGATAR_SMTP_USER"),
        (smtplib.SMTPNotSupportedError("no STARTTLS"), MailPermanentError, "cannot do it"),
        (ssl.SSLCertVerificationError("bad cert"), MailPermanentError, "cannot be trusted"),
        (smtplib.SMTPException("odd"), MailTemporaryError, "odd"),
    ],
)
def test_errors_are_sorted_into_retry_later_and_give_up(error, kind, words):
    mapped = classify(error, step="sending", server="mail.example.am:587", timeout=5)
    assert type(mapped) is kind
    assert words in str(mapped) and "mail.example.am:587" in str(mapped)
    assert isinstance(mapped, PermanentEffectError) == (kind is MailPermanentError)


def test_refused_recipients_keep_their_codes():
    refused = {"a@x.am": (550, b"no such user"), "b@x.am": (450, b"mailbox busy")}
    error = classify(
        smtplib.SMTPRecipientsRefused(refused), step="sending", server="s:25", timeout=5
    )
    assert isinstance(error, MailPermanentError) and error.smtp_code == 550
    assert error.refused == {"a@x.am": (550, "no such user"), "b@x.am": (450, "mailbox busy")}
    only_busy = {"b@x.am": (450, b"mailbox busy")}
    error = classify(
        smtplib.SMTPRecipientsRefused(only_busy), step="sending", server="s:25", timeout=5
    )
    assert isinstance(error, MailTemporaryError)


def test_memory_mailer_keeps_mails_and_can_fail():
    mailer = MemoryMailer()
    message = armenian_mail()
    assert mailer.send(message) == "<outbox.42.staff.7@hogatar>"
    assert mailer.sent == [message]
    mailer.fail_with = MailTemporaryError("server down")
    with pytest.raises(MailTemporaryError):
        mailer.send(message)
    assert len(mailer.sent) == 1


def test_a_mail_without_message_id_is_refused_before_connecting():
    message = armenian_mail()
    del message["Message-ID"]
    mailer = SmtpMailer(host="127.0.0.1", port=1)
    with pytest.raises(MailPermanentError, match="no Message-ID"):
        mailer.send(message)


def test_smtp_mailer_from_settings(tmp_path):
    from config.settings import Settings

    settings = Settings(
        var_dir=tmp_path,
        smtp_host="mail.example.am",
        smtp_port=587,
        smtp_tls="starttls",
        smtp_user="hogatar",
        smtp_password="secret",
        smtp_timeout_seconds=3,
        mail_sender="Հոգատար <bounces@example.am>",
    )
    mailer = SmtpMailer.from_settings(settings)
    assert (mailer.server, mailer.tls, mailer.user, mailer.timeout) == (
        "mail.example.am:587",
        "starttls",
        "hogatar",
        3,
    )
    assert mailer.envelope_sender == "bounces@example.am"
    assert SmtpMailer(host="::1", port=25).server == "[::1]:25"
