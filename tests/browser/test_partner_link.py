"""A partner answers a referral by the link in its mail, in a real browser, in Armenian:
the mail is caught by the SMTP sink (a real SMTP server), the partner opens its link with
no account, is refused a decline without a reason beside the field with its choice kept,
accepts, sends the form again with a second tab and is told it was recorded once; the social
worker sees the partner's answer on the case timeline; after the link expires (the clock
moved) the partner gets a clear page and nothing changes. Screenshots go to
test-artifacts/partner-link-*.png."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest

from tests import programme_fixtures as pf
from tests.browser.test_background_work import work_off
from tests.browser.test_casework import PASSWORD
from tests.browser.test_intake import Tab, login
from tests.integration.conftest import _SMTP, smtp_sink  # noqa: F401 - the SMTP sink, started for the session
from web.app import create_app
from web.shared import accounts
from web.shared.i18n import gettext, use_language
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.commands import AdvanceCase
from workflow.programme import referrals
from workflow.programme.families import AssignCase
from workflow.programme.referrals import CreateReferral
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PURPOSE = "Իրավաբանական խորհրդատվություն նպաստի հարցով"


def hy(msgid: str) -> str:
    """MSGID as the Armenian pages say it (the catalog may not have it yet)."""
    with use_language("hy"):
        return gettext(msgid)


def link_from_sink(referral_id: int) -> str:
    """The partner link in the referral's mail, as the SMTP sink kept it."""
    pattern = re.compile(rf"https?://\S+/partners/referrals/{referral_id}/[A-Za-z0-9_-]{{43}}")
    directory = _SMTP["directory"]
    for path in sorted(directory.glob("*.eml")):  # type: ignore[attr-defined]
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        found = pattern.search(body)
        if found:
            return found.group(0)
    raise AssertionError(f"no mail with a link for referral {referral_id} in {directory}")


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve) -> Any:
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    # The default mailer: SMTP to the session's sink, a real server keeping .eml files.
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock)
    pf.ensure_staff(rt)
    accounts.set_password(rt, username=pf.SOCIAL_WORKER, password=PASSWORD)
    case_id = pf.register(rt, actor=pf.SOCIAL_WORKER, family_name="Ղազարյան")
    handle(rt, AssignCase(case_id=case_id, actor="test", social_worker=pf.SOCIAL_WORKER))
    pf.bring_to(rt, case_id, "assessed")
    pf.consent(rt, case_id, purposes=("participation", "referral"))
    handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor=pf.SOCIAL_WORKER))
    url = serve(create_app(rt, secret_key="browser-test-secret-0123456789"))
    # Links in mails point at this server.
    rt.settings.web_base_url = url
    created = handle(
        rt,
        CreateReferral(
            case_id=case_id, partner="kotayk_rights", purpose=PURPOSE, actor=pf.SOCIAL_WORKER
        ),
    )
    work_off(rt)
    yield url, rt, clock, case_id, created.referral_id
    rt.engine.dispose()


def test_a_partner_answers_by_the_mailed_link_then_the_link_expires(chromium, site, artifacts):
    url, rt, clock, case_id, referral_id = site
    link = link_from_sink(referral_id)
    assert link.startswith(url + "/partners/referrals/")

    # The partner: no account, a browser of its own.
    context = chromium.new_context(locale="hy-AM", viewport={"width": 1100, "height": 900})
    partner = Tab(context, url, artifacts)
    response = partner.page.goto(link)
    partner.check()
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    page = partner.page
    assert page.get_by_text(PURPOSE).is_visible()
    assert "Ղազարյան" not in page.content()  # the family's file is not shown
    page.screenshot(path=str(artifacts / "partner-link-page.png"), full_page=True)
    other = Tab(context, url, artifacts)
    other.page.goto(link)
    other.check()
    second = other.page

    # A decline without a reason: refused beside the field, the choice kept.
    answer = page.get_by_label(hy("Your answer"))
    answer.select_option("declined")
    partner.submit(hy("Send the answer"), status=422)
    reason = page.get_by_label(hy("Why you decline (required when you decline)"))
    assert reason.get_attribute("aria-invalid") == "true"
    error = page.locator("#f-reason-error")
    assert error.get_by_text(hy("A declined referral needs the partner's reason.")).is_visible()
    assert page.get_by_label(hy("Your answer")).input_value() == "declined"
    page.screenshot(path=str(artifacts / "partner-link-refused-reason.png"), full_page=True)
    assert referrals.list_referrals(rt, case_id=case_id)[-1]["status"] == "sent"

    # Accept.
    page.get_by_label(hy("Your answer")).select_option("accepted")
    partner.submit(hy("Send the answer"))
    thanks = hy("Thank you: your answer is recorded. The social worker sees it at once.")
    assert page.get_by_role("status").get_by_text(thanks).is_visible()
    [referral] = [
        r for r in referrals.list_referrals(rt, case_id=case_id) if r["id"] == referral_id
    ]
    assert referral["status"] == "accepted"

    # The same form, opened in a second tab before the answer, sent too: recorded once,
    # and the partner is told so.
    second.get_by_label(hy("Your answer")).select_option("accepted")
    other.submit(hy("Send the answer"))
    once = hy("This answer was recorded already; it was not recorded a second time.")
    assert second.get_by_role("status").get_by_text(once).is_visible()
    answers = [r for r in referrals.list_referrals(rt, case_id=case_id) if r["id"] == referral_id]
    assert answers[0]["status"] == "accepted"

    # The social worker sees the partner's answer on the case's timeline.
    staff_context, worker = login(chromium, url, artifacts)
    worker.goto(f"/cases/{case_id}")
    timeline = worker.page.locator("body")
    assert timeline.get_by_text(hy("The partner accepted the referral")).first.is_visible()
    assert timeline.get_by_text(
        hy("Partner %(code)s (by its link)") % {"code": "kotayk_rights"}
    ).first.is_visible()
    worker.page.screenshot(path=str(artifacts / "partner-link-timeline.png"), full_page=True)

    # Thirty-one days later the link is refused with a clear page, and nothing changes.
    clock.advance(timedelta(days=31))
    expired = page.goto(link)
    partner.check(status=410)
    assert expired.status == 410
    assert page.get_by_role("heading", name=hy("This link has expired.")).is_visible()
    assert page.get_by_label(hy("Your answer")).count() == 0
    page.screenshot(path=str(artifacts / "partner-link-expired.png"), full_page=True)
    after = [r for r in referrals.list_referrals(rt, case_id=case_id) if r["id"] == referral_id]
    assert after[0]["status"] == "accepted" and after[0]["feedback"] is None
    staff_context.close()
    # The worker's session ended meanwhile (a month): a new login.
    staff_context, worker = login(chromium, url, artifacts)
    worker.goto(f"/cases/{case_id}")
    refused = hy("Refused: the partner's answer link had expired")
    assert worker.page.get_by_text(refused).first.is_visible()
    context.close()
    staff_context.close()
