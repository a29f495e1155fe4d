"""Building a mail: headers, a stable Message-ID, and UTF-8 text that survives exactly.

An effect may run more than once (a worker dies after sending, before its ledger row
commits), so every mail carries a Message-ID made from the caller's idempotency key, and
the key itself in ``X-Hogatar-Key``: a repeated mail is the same mail, recognisable by any
reader or mail system, not a new one.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email import policy
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from io import BytesIO

from config.settings import mailbox_problem
from workflow.notifications.errors import InvalidAddress, MailPermanentError
from workflow.notifications.templates import Language, language_of, render

#: CRLF line ends, as SMTP wants them; headers folded and encoded for any relay.
MAIL_POLICY = policy.SMTP
MESSAGE_ID_DOMAIN = "hogatar"
KEY_HEADER = "X-Hogatar-Key"
TEMPLATE_HEADER = "X-Hogatar-Template"
# RFC 5322: a line is at most 998 octets; longer ones must be encoded.
MAX_LINE_OCTETS = 998
_KEY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_+=-]|\.(?=[A-Za-z0-9_+=-])){0,199}")
_KEY_FORBIDDEN = re.compile(r"[^A-Za-z0-9_+=-]+")


def message_key(*parts: str | int) -> str:
    """An idempotency key from PARTS, e.g. ``message_key("outbox", 42, "partner", 7)`` is
    ``"outbox.42.partner.7"``. Characters a Message-ID cannot hold become '-'."""
    cleaned = [_KEY_FORBIDDEN.sub("-", str(part)).strip("-") for part in parts]
    key = ".".join(part for part in cleaned if part)
    return check_key(key)


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise MailPermanentError(
            f"mail key {key!r} must be 1-200 letters, digits, '.', '_', '+', '=' or '-' "
            "(use message_key() to build one)"
        )
    return key


def message_id_for(key: str) -> str:
    return f"<{check_key(key)}@{MESSAGE_ID_DOMAIN}>"


def parse_mailbox(value: str) -> Address:
    """One address such as ``partner@example.am`` or ``Name <partner@example.am>``."""
    problem = mailbox_problem(value)
    if problem:
        raise InvalidAddress(value, problem)
    address = MAIL_POLICY.header_factory("To", value.strip()).addresses[0]
    return Address(
        display_name=unicodedata.normalize("NFC", address.display_name),
        addr_spec=address.addr_spec,
    )


def _one_line(text: str, what: str) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    if not text or "\n" in text or "\r" in text:
        raise MailPermanentError(f"the mail's {what} must be one non-empty line")
    return text


def _body(text: str) -> tuple[str, str]:
    """NFC text with plain newlines, and the transfer encoding that keeps it exact."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.rstrip("\n") + "\n"
    longest = max(len(line.encode("utf-8")) for line in text.split("\n"))
    if longest > MAX_LINE_OCTETS:
        return text, "base64"
    # 8bit keeps Armenian readable in the .eml files of the local sink; SmtpMailer falls
    # back to base64 for the rare server that does not accept 8-bit mail.
    return text, "7bit" if text.isascii() else "8bit"


def build_message(
    *,
    sender: str,
    to: str | Sequence[str],
    subject: str,
    body: str,
    key: str,
    language: str = "hy",
    reply_to: str | None = None,
    template: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """A plain-text UTF-8 mail with Message-ID ``<key@hogatar>``.

    Raises InvalidAddress for a malformed address and MailPermanentError for a malformed
    key or subject: sending cannot work until the caller's data is fixed.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise MailPermanentError("the mail has no recipient")
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = parse_mailbox(sender)
    message["To"] = [parse_mailbox(address) for address in recipients]
    if reply_to:
        message["Reply-To"] = parse_mailbox(reply_to)
    message["Subject"] = _one_line(subject, "subject")
    message["Date"] = format_datetime((now or datetime.now(UTC)).astimezone(UTC))
    message["Message-ID"] = message_id_for(key)
    message[KEY_HEADER] = key
    if template:
        message[TEMPLATE_HEADER] = template
    # RFC 3834: tells auto-responders (out-of-office) not to answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    text, transfer_encoding = _body(body)
    message.set_content(text, subtype="plain", charset="utf-8", cte=transfer_encoding)
    # After set_content, which clears every Content-* header.
    message["Content-Language"] = language_of(language)
    return message


def compose(
    *,
    template: str,
    values: Mapping[str, object],
    language: str | None,
    sender: str,
    to: str | Sequence[str],
    key: str,
    reply_to: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """Render TEMPLATE in the recipient's LANGUAGE (Armenian by default) into a mail."""
    rendered = render(template, values, language=language)
    chosen: Language = rendered.language
    return build_message(
        sender=sender,
        to=to,
        subject=rendered.subject,
        body=rendered.body,
        key=key,
        language=chosen,
        reply_to=reply_to,
        template=template,
        now=now,
    )


def recipients_of(message: EmailMessage) -> list[str]:
    """The envelope recipients: every address in To and Cc, each once."""
    found: list[str] = []
    for field in ("To", "Cc"):
        header = message.get(field)
        for address in getattr(header, "addresses", ()):
            if address.addr_spec not in found:
                found.append(address.addr_spec)
    if not found:
        raise MailPermanentError("the mail has no recipient")
    return found


def sender_of(message: EmailMessage) -> str:
    addresses = getattr(message.get("From"), "addresses", ())
    if not addresses:
        raise MailPermanentError("the mail has no From address")
    return str(addresses[0].addr_spec)


def is_eight_bit(message: EmailMessage) -> bool:
    return any(
        str(part.get("Content-Transfer-Encoding", "")).lower() == "8bit" for part in message.walk()
    )


def seven_bit_copy(message: EmailMessage) -> EmailMessage:
    """The same mail with an 8-bit text body re-encoded as base64, for old servers."""
    copied = copy.deepcopy(message)
    if not copied.is_multipart() and is_eight_bit(copied):
        language = copied.get("Content-Language")
        text = copied.get_content()
        copied.set_content(
            text, subtype=copied.get_content_subtype(), charset="utf-8", cte="base64"
        )
        if language:
            copied["Content-Language"] = str(language)
    return copied


def to_bytes(message: EmailMessage) -> bytes:
    """The mail as it goes on the wire (CRLF line ends, 8-bit body kept as is)."""
    buffer = BytesIO()
    BytesGenerator(buffer, policy=message.policy).flatten(message, linesep="\r\n")
    return buffer.getvalue()
