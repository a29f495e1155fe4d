"""A partner's page, opened from the referral mail without an account: in the partner's
language, never cached, no Referer, what the mail said and not the family's file; a
CSRF token bound to the link; an answer once however often it is sent; a clear page
for an expired, revoked or tampered link that changes nothing. The staff revoke and
resend links from the referral's page and the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests import programme_fixtures as pf
from tests.web.conftest import csrf_of
from web.shared.i18n import gettext, use_language
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.persistence.models import CaseActivityRow
from workflow.programme.referrals import CreateReferral, ReferralRow
from workflow.programme.referrals.models import PartnerRow
from workflow.services import handle

LINK = re.compile(r"http://127\.0\.0\.1:8000(/partners/referrals/(\d+)/([A-Za-z0-9_-]{43}))\b")
FAMILY = "Մկրտչյան"


def _deliver(rt, publisher) -> None:
    while publisher.sent:
        deliver_effect(rt, outbox_id=publisher.sent.pop(0).outbox_id, task_id="t")


def _link_of(mail) -> tuple[str, int, str]:
    body = mail.get_body(preferencelist=("plain",)).get_content()
    [(path, referral_id, token)] = LINK.findall(body)
    return path, int(referral_id), token


@pytest.fixture
def referred(rt, publisher, mailer):
    """A family referred to a partner; the referral's mail went out: (case, path, id)."""
    case_id = pf.register(rt, family_name=FAMILY, phone="+374 91 123456")
    pf.bring_to(rt, case_id, "assessed")
    pf.consent(rt, case_id, purposes=("participation", "referral"))
    handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor="worker-1"))
    _deliver(rt, publisher)
    mailer.sent.clear()
    handle(
        rt,
        CreateReferral(
            case_id=case_id, partner="kotayk_rights", purpose="Իրավաբանական", actor="worker-1"
        ),
    )
    _deliver(rt, publisher)
    [mail] = mailer.sent
    path, referral_id, _ = _link_of(mail)
    return case_id, path, referral_id


def _status(rt, referral_id: int) -> str:
    with rt.session_factory() as session:
        row = session.get(ReferralRow, referral_id)
        assert row is not None
        return row.status


def _kinds(rt, case_id: int) -> list[str]:
    with rt.session_factory() as session:
        return list(
            session.scalars(
                select(CaseActivityRow.kind)
                .where(CaseActivityRow.case_id == case_id)
                .order_by(CaseActivityRow.id)
            )
        )


def said(language: str, msgid: str) -> str:
    """MSGID as the page says it in LANGUAGE (the catalogs may not have it yet)."""
    with use_language(language):
        return gettext(msgid)


def _partner(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def test_the_page_says_what_the_mail_said_in_the_partners_language_and_is_private(
    app, rt, referred
):
    case_id, path, referral_id = referred
    page = _partner(app).get(path)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<html lang="hy">' in page.text
    assert "Իրավաբանական" in page.text and str(case_id) in page.text
    assert said("hy", "Your answer") in page.text
    # Not the family's file: no name, no phone, no link into the staff's pages.
    assert FAMILY not in page.text and "123456" not in page.text
    assert f"/cases/{case_id}" not in page.text and 'href="/referrals' not in page.text
    with rt.session_factory() as session:
        session.execute(update(PartnerRow).values(language="en"))
        session.commit()
    english = _partner(app).get(path)
    assert '<html lang="en">' in english.text and "Your answer" in english.text


def test_the_partner_accepts_once_however_often_the_form_is_sent(app, rt, referred):
    case_id, path, referral_id = referred
    partner = _partner(app)
    page = partner.get(path)
    form = {"csrf_token": csrf_of(page.text), "seen_status": "sent", "response": "accepted"}
    answered = partner.post(path, data=form, follow_redirects=False)
    assert answered.status_code == 303 and answered.headers["location"] == f"{path}?msg=answered"
    assert answered.headers["cache-control"] == "no-store"
    assert _status(rt, referral_id) == "accepted"
    # Back and send again: the same answer stands, once, and the partner is told so.
    again = partner.post(path, data=form, follow_redirects=False)
    assert again.headers["location"] == f"{path}?msg=already_recorded"
    assert _kinds(rt, case_id).count("referral_accepted") == 1
    shown = partner.get(again.headers["location"])
    notice = said("hy", "This answer was recorded already; it was not recorded a second time.")
    assert shown.status_code == 200 and notice in shown.text
    # Another tab, opened before the answer, declines: refused, what was typed kept.
    other = {**form, "response": "declined", "reason": "Տեղ չունենք"}
    refused = partner.post(path, data=other, follow_redirects=False)
    assert refused.status_code == 409 and "Տեղ չունենք" in refused.text
    assert _status(rt, referral_id) == "accepted"


def test_a_decline_without_reason_is_refused_beside_the_field_keeping_the_choice(app, rt, referred):
    case_id, path, referral_id = referred
    partner = _partner(app)
    page = partner.get(path)
    form = {"csrf_token": csrf_of(page.text), "seen_status": "sent", "response": "declined"}
    refused = partner.post(path, data={**form, "reason": "   "})
    assert refused.status_code == 422
    reason_field = refused.text.split('id="f-reason"')[0].rsplit('<div class="field', 1)[1]
    assert "invalid" in reason_field
    assert said("hy", "A declined referral needs the partner's reason.") in refused.text
    assert '<option value="declined" selected' in refused.text
    assert _status(rt, referral_id) == "sent"
    # The form shown again can be sent again, now with a reason.
    form["csrf_token"] = csrf_of(refused.text)
    done = partner.post(path, data={**form, "reason": "Տեղ չունենք"}, follow_redirects=False)
    assert done.status_code == 303 and _status(rt, referral_id) == "declined"


def test_a_post_without_the_pages_csrf_token_records_nothing(app, rt, referred):
    case_id, path, referral_id = referred
    partner = _partner(app)
    partner.get(path)
    form = {"seen_status": "sent", "response": "accepted"}
    for token in (None, "0" * 64):
        data = form if token is None else {**form, "csrf_token": token}
        refused = partner.post(path, data=data, follow_redirects=False)
        assert refused.status_code == 403
    # A token of another link (or another browser's nonce) does not fit either.
    stranger = _partner(app)
    page = stranger.get(path)
    partner_token = csrf_of(page.text)
    fresh = _partner(app)
    refused = fresh.post(path, data={**form, "csrf_token": partner_token}, follow_redirects=False)
    assert refused.status_code == 403
    assert _status(rt, referral_id) == "sent"


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        (lambda p: p[:-2] + "xx", 404, "This link is not valid."),
        # A real token with another referral's number: made for another referral.
        (
            lambda p: p.replace("/referrals/", "/referrals/9"),
            404,
            "This link does not belong to this referral.",
        ),
        (lambda p: p.rsplit("/", 1)[0] + "/" + "A" * 43, 404, "This link is not valid."),
    ],
)
def test_a_tampered_link_gets_a_clear_page_and_changes_nothing(
    app, rt, referred, change, status, words
):
    case_id, path, referral_id = referred
    with rt.session_factory() as session:
        session.execute(update(PartnerRow).values(language="en"))
        session.commit()
    page = _partner(app).get(change(path))
    assert page.status_code == status and words in page.text
    assert page.headers["cache-control"] == "no-store"
    assert _status(rt, referral_id) == "sent"


def test_an_expired_link_gets_a_clear_page_in_armenian_and_changes_nothing(
    app, rt, referred, clock
):
    case_id, path, referral_id = referred
    partner = _partner(app)
    page = partner.get(path)
    token = csrf_of(page.text)
    clock.advance(timedelta(days=31))
    expired = partner.get(path)
    assert expired.status_code == 410 and '<html lang="hy">' in expired.text
    assert said("hy", "This link has expired.") in expired.text
    sent = partner.post(
        path, data={"csrf_token": token, "seen_status": "sent", "response": "accepted"}
    )
    assert sent.status_code == 410 and _status(rt, referral_id) == "sent"
    assert _kinds(rt, case_id).count("referral_link_refused_expired") == 2


def test_staff_revoke_and_resend_from_the_referral_page(
    app, rt, referred, browser, mailer, publisher
):
    case_id, path, referral_id = referred
    worker = browser("manager")
    page = worker.get(f"/referrals/{referral_id}")
    assert page.status_code == 200 and 'id="partner-link"' in page.text
    revoked = worker.post(f"/referrals/{referral_id}/link/revoke")
    assert revoked.status_code == 303 and "msg=link_revoked" in revoked.headers["location"]
    assert _partner(app).get(path).status_code == 410
    mailer.sent.clear()
    resent = worker.post(f"/referrals/{referral_id}/link/resend")
    assert "msg=link_resent" in resent.headers["location"]
    _deliver(rt, publisher)
    [mail] = mailer.sent
    new_path, same, _ = _link_of(mail)
    assert same == referral_id and new_path != path
    assert _partner(app).get(new_path).status_code == 200
    assert _partner(app).get(path).status_code == 410
    shown = worker.get(f"/referrals/{referral_id}")
    assert "link/revoke" in shown.text  # the new link works: it can be revoked


def test_the_api_revokes_and_resends(app, rt, referred, browser, publisher, mailer):
    case_id, path, referral_id = referred
    worker = browser("manager")
    headers = {"X-CSRF-Token": worker.csrf}
    revoked = worker.client.post(f"/api/v1/referrals/{referral_id}/link/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["links_revoked"] == 1
    resent = worker.client.post(f"/api/v1/referrals/{referral_id}/link/resend", headers=headers)
    assert resent.status_code == 202
    missing = worker.client.post("/api/v1/referrals/999999/link/resend", headers=headers)
    assert missing.status_code == 404
