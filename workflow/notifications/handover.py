"""Mail handed over at most once per Message-ID, as far as the engine can know.

A mail leaves the database: it cannot commit together with the effect that sends it.
So the worker records "handed to the mail server" in a short transaction of its own,
right after the server accepted the mail (DATA answered 250) and before the effect's
own transaction commits; a redelivered or retried effect finds that row and skips the
send. What remains is the window between the server's acceptance and that record
(a few milliseconds): a worker killed exactly there sends the mail again on redelivery,
with the same Message-ID, which the receiving side can recognise.

On SQLite (one machine, development) the effect's transaction holds the database's
only write lock, so the record goes into the effect's own transaction instead.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from workflow.notifications.errors import MailPermanentError
from workflow.persistence.models import MailHandoverRow

if TYPE_CHECKING:
    from workflow.runtime import EffectContext

log = logging.getLogger(__name__)
TABLE: Table = MailHandoverRow.__table__  # type: ignore[assignment]


def send_once(context: EffectContext, message: EmailMessage) -> str:
    """Send MESSAGE unless a mail with its Message-ID was handed over before; return
    the Message-ID either way. Mail errors propagate (a retry, or an incident)."""
    message_id = message.get("Message-ID")
    if not message_id:
        raise MailPermanentError("the mail has no Message-ID; build it with build_message()")
    message_id = str(message_id)
    runtime = context.runtime
    own_transaction = runtime.engine.dialect.name != "sqlite"
    if own_transaction:
        with runtime.engine.connect() as connection:
            seen = connection.execute(
                select(TABLE.c.message_id).where(TABLE.c.message_id == message_id)
            ).first()
    else:
        seen = context.session.execute(
            select(TABLE.c.message_id).where(TABLE.c.message_id == message_id)
        ).first()
    if seen is not None:
        log.info(
            "outbox row %s: %s was handed over before, not sent again",
            context.outbox_id,
            message_id,
        )
        return message_id
    runtime.mailer.send(message)
    values = {"message_id": message_id, "outbox_id": context.outbox_id, "handed_at": context.now}
    if own_transaction:
        with runtime.engine.begin() as connection:
            connection.execute(pg_insert(TABLE).values(**values).on_conflict_do_nothing())
    else:
        context.session.execute(insert(TABLE).values(**values))
    return message_id
