"""Outgoing e-mail: templates in Armenian and English, message building, SMTP sending and
a local sink for development.

Effect handlers use it like this (one mail per recipient; the key makes a repeat of the
same effect the same mail)::

    message = compose(
        template="referral_to_partner",
        values={...},                      # ids, numbers, dates, staff names: no family data
        language=partner.language,         # "hy" (default) or "en"
        sender=settings.mail_sender,
        to=partner.email,
        key=message_key("outbox", context.outbox_id, "partner", partner.id),
    )
    mailer.send(message)                   # raises MailTemporaryError / MailPermanentError
"""

from workflow.notifications.errors import (
    InvalidAddress,
    MailError,
    MailPermanentError,
    MailSinkError,
    MailTemporaryError,
    MissingPlaceholder,
    TemplateDefinitionError,
    TemplateError,
    UnknownTemplate,
)
from workflow.notifications.mailer import Mailer, MemoryMailer, SmtpMailer, mailer_from_settings
from workflow.notifications.message import build_message, compose, message_key
from workflow.notifications.templates import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Language,
    RenderedMail,
    language_of,
    render,
)
from workflow.notifications.values import case_url, dram, referral_url

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "InvalidAddress",
    "Language",
    "MailError",
    "MailPermanentError",
    "MailSinkError",
    "MailTemporaryError",
    "Mailer",
    "MemoryMailer",
    "MissingPlaceholder",
    "RenderedMail",
    "SmtpMailer",
    "TemplateDefinitionError",
    "TemplateError",
    "UnknownTemplate",
    "build_message",
    "case_url",
    "compose",
    "dram",
    "language_of",
    "mailer_from_settings",
    "message_key",
    "referral_url",
    "render",
]
