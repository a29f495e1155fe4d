"""A mail-sending effect through the engine's real delivery, with a real SMTP server:
server down means a retry with backoff and the mail goes out once when it is back; a
5xx refusal opens an incident at once. SQLite and an in-process sink: no other service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support import free_port
from workflow import queries
from workflow.commands import OpenCase
from workflow.delivery import deliver_effect
from workflow.notifications import SmtpMailer, case_url, compose, message_key
from workflow.notifications.sink import EmlSink, serve
from workflow.persistence.models import CaseEventRow, OutboxRow
from workflow.services import handle

EFFECT = "reminders.test_counselling_mail"


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def mail_effect(sqlite_runtime, port):
    """An effect that sends the counselling reminder the way later features will."""
    rt = sqlite_runtime
    mailer = SmtpMailer(host="127.0.0.1", port=port, timeout=2)

    @rt.effects.register(EFFECT)
    def send_reminder(context):
        message = compose(
            template="counselling_follow_up",
            values={
                "staff_name": "Գոհար Սահակյան",
                "case_number": context.case_id,
                "last_session_on": context.now.date() - timedelta(days=14),
                "due_on": context.now.date() + timedelta(days=2),
                "case_url": case_url(rt.settings.web_base_url, context.case_id),
            },
            language="hy",
            sender=rt.settings.mail_sender,
            to="gohar@example.am",
            key=message_key("outbox", context.outbox_id),
            now=context.now,
        )
        return {"message_id": mailer.send(message)}

    with rt.session_factory() as session:
        case_id = handle(rt, OpenCase(actor="test")).case_id
        event_id = session.scalar(select(CaseEventRow.id).where(CaseEventRow.case_id == case_id))
        row = OutboxRow(
            case_id=case_id,
            event_id=event_id,
            effect=EFFECT,
            queue="reminders",
            payload={},
            status="published",
            attempts=0,
            created_at=rt.clock.now(),
        )
        session.add(row)
        session.commit()
        return row.id


def outbox(rt, outbox_id):
    with rt.session_factory() as session:
        return session.get(OutboxRow, outbox_id)


def test_server_down_retries_with_backoff_and_the_mail_goes_out_once(
    sqlite_runtime, mail_effect, port, tmp_path, clock
):
    rt, outbox_id = sqlite_runtime, mail_effect
    mail_dir = tmp_path / "mail"

    first = deliver_effect(rt, outbox_id=outbox_id, task_id="t1")
    assert (first.status, first.error_type) == ("retry_scheduled", "MailTemporaryError")
    row = outbox(rt, outbox_id)
    assert "connection refused" in row.last_error and row.not_before is not None

    clock.advance(timedelta(minutes=1))
    with serve("127.0.0.1", port, mail_dir):
        again = deliver_effect(rt, outbox_id=outbox_id, task_id="t2")
        assert again.status == "applied" and again.attempts == 2
        # A redelivered message changes nothing: the ledger has it, no second mail.
        assert deliver_effect(rt, outbox_id=outbox_id, task_id="t3").status == "already_applied"
    [path] = mail_dir.glob("*.eml")
    assert path.name.endswith(f"_outbox.{outbox_id}@hogatar.eml")
    text = path.read_bytes().decode("utf-8")
    assert "Հարգելի Գոհար Սահակյան," in text
    assert f"/cases/{outbox(rt, outbox_id).case_id}" in text
    assert queries.list_incidents(rt) == []


class RefusingRecipient(EmlSink):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such user here"


def test_a_refused_recipient_opens_an_incident_at_once(sqlite_runtime, mail_effect, port, tmp_path):
    rt, outbox_id = sqlite_runtime, mail_effect
    handler = RefusingRecipient(tmp_path)
    with serve("127.0.0.1", port, tmp_path, handler=handler):
        outcome = deliver_effect(rt, outbox_id=outbox_id, task_id="t1")
    assert (outcome.status, outcome.attempts) == ("incident", 1)
    [incident] = queries.list_incidents(rt)
    assert incident["outbox_id"] == outbox_id
    assert "MailPermanentError" in incident["error"] and "550" in incident["error"]
    assert "gohar@example.am" in incident["error"]
