"""A partner's answer link on PostgreSQL, where the mail's effect writes the link in a
transaction of its own: when the effect fails after the mail server took the mail, the
retry sends no second mail and the link in the first one still works."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests import programme_fixtures as pf
from tests.support import RecordingPublisher
from workflow.bootstrap import bootstrap
from workflow.delivery import deliver_effect
from workflow.notifications import MemoryMailer
from workflow.persistence.models import OutboxRow
from workflow.programme.referrals import CreateReferral, OpenReferralLink, ReferralLinkRow
from workflow.programme.referrals import effects as referral_effects
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
LINK = re.compile(r"/partners/referrals/(\d+)/([A-Za-z0-9_-]{43})\b")


def _send_effects(rt) -> list[int]:
    with rt.session_factory() as session:
        return list(
            session.scalars(
                select(OutboxRow.id)
                .where(OutboxRow.effect == "referrals.send", OutboxRow.status != "done")
                .order_by(OutboxRow.id)
            )
        )


def test_a_link_mailed_before_its_effect_failed_still_works(
    clean_db, clean_redis, settings_for, monkeypatch
):
    mailer = MemoryMailer()
    rt = bootstrap(
        settings_for(clean_db, clean_redis), mailer=mailer, publisher=RecordingPublisher()
    )
    case_id = pf.register(rt)
    pf.consent(rt, case_id, purposes=("participation", "referral"))
    created = handle(
        rt,
        CreateReferral(
            case_id=case_id, partner="kotayk_rights", purpose="Իրավաբանական", actor="worker-1"
        ),
    )
    # The effect fails once right after the server took the mail (its database went away).
    note = referral_effects._note
    failed: list[str] = []

    def fail_once(context, referral, kind, data):
        if kind == "referral_sent" and not failed:
            failed.append(kind)
            raise RuntimeError("the database went away after the mail was sent")
        return note(context, referral, kind, data)

    monkeypatch.setattr(referral_effects, "_note", fail_once)
    [outbox_id] = _send_effects(rt)
    deliver_effect(rt, outbox_id=outbox_id, task_id="first")
    assert failed and len(mailer.sent) == 1
    deliver_effect(rt, outbox_id=outbox_id, task_id="retry")
    assert _send_effects(rt) == []
    [mail] = mailer.sent  # not sent a second time
    body = mail.get_body(preferencelist=("plain",)).get_content()
    [(referral_id, token)] = LINK.findall(body)
    assert int(referral_id) == created.referral_id
    view = handle(rt, OpenReferralLink(referral_id=created.referral_id, token=token))
    assert view.status == "sent"
    with rt.session_factory() as session:
        links = session.scalars(
            select(ReferralLinkRow).where(ReferralLinkRow.referral_id == created.referral_id)
        ).all()
        assert [link.outbox_id for link in links] == [outbox_id]
    rt.engine.dispose()
