"""An operator (a manager) deals with background work that failed every retry, in the
Armenian interface in a real browser: runs one incident again once the cause is fixed,
is refused a skip without a reason, then skips the other with one; both end up on the
case's timeline. Any console error fails the test; screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import programme_fixtures as pf
from tests.browser.test_background_work import work_off
from tests.browser.test_casework import PASSWORD, Session
from web.app import create_app
from web.shared import accounts
from workflow import queries
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MailPermanentError, MemoryMailer
from workflow.programme.referrals import CreateReferral
from workflow.programme.staff import AddStaff
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve):
    mailer = MemoryMailer()
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=mailer)
    pf.ensure_staff(rt)
    handle(
        rt,
        AddStaff(username="lusine.h", full_name="Լուսինե Հակոբյան", role="manager", actor="test"),
    )
    accounts.set_password(rt, username="lusine.h", password=PASSWORD)
    case_id = pf.case_in(rt, "receiving_services", family_name="Պողոսյան")
    work_off(rt)
    # The partners' mail server refuses the two referral mails: two incidents at once.
    mailer.fail_with = MailPermanentError("550 mailbox unavailable (test)")
    for partner in ("kotayk_rights", "vocational_ngo"):
        handle(rt, CreateReferral(case_id=case_id, partner=partner, purpose="x", actor="test"))
    work_off(rt)
    mailer.fail_with = None
    yield serve(create_app(rt, secret_key="browser-test-secret-0123456789")), rt, case_id
    rt.engine.dispose()


def test_an_operator_retries_one_incident_and_skips_the_other(chromium, site, artifacts):
    url, rt, case_id = site
    first, second = queries.list_incidents(rt)
    operator = Session(chromium, url, artifacts)
    page = operator.page
    operator.login_by_keyboard("lusine.h")

    # The dashboard's card sends the operator to the list, not to the command line.
    hint = page.locator("section.card.warn .hint").inner_text()
    assert "hogatar" not in hint and "բացեք ցանկը" in hint
    page.get_by_role("link", name="2").click()  # the dashboard's count of failed work
    operator.check()
    assert page.url.endswith("/incidents")
    assert page.get_by_role("heading", name="Ձախողված ֆոնային աշխատանքներ").is_visible()
    assert page.locator("tbody tr").count() == 2
    assert "MailPermanentError" in page.locator("tbody").inner_text()
    operator.shot("incidents-list-hy")

    operator.goto(f"/incidents/{first['id']}")
    operator.submit("Գործարկել կրկին")
    assert "Աշխատանքը կրկին հերթագրված է" in page.locator("[role=status]").inner_text()
    work_off(rt)  # the mail server is back: the retried referral mail goes out

    operator.goto(f"/incidents/{second['id']}")
    operator.submit("Բաց թողնել", status=422)
    assert "պատճառը պարտադիր է" in page.locator("[role=alert]").inner_text()
    assert queries.list_incidents(rt)[0]["status"] == "open"
    reason = "Գործընկերոջը զանգահարեցինք, ուղղորդումը փոխանցվեց հեռախոսով"
    page.locator("textarea[name=reason]").fill(reason)
    operator.shot("incident-skip-hy")
    operator.submit("Բաց թողնել")
    assert "Միջադեպը լուծված է" in page.locator("[role=status]").inner_text()
    assert page.locator("#h-open").inner_text().strip().endswith("0")
    assert reason in page.locator("body").inner_text()
    operator.shot("incidents-resolved-hy")

    assert queries.list_incidents(rt) == []
    resolved = {i["id"]: i for i in queries.list_incidents(rt, include_retried=True)}
    assert resolved[first["id"]]["status"] == "retried"
    assert (resolved[second["id"]]["status"], resolved[second["id"]]["retried_by"]) == (
        "skipped",
        "lusine.h",
    )
    operator.goto(f"/cases/{case_id}")
    timeline = page.locator("body").inner_text()
    assert "Օպերատորը կրկին գործարկեց ձախողված ֆոնային աշխատանքը" in timeline
    assert "Օպերատորը բաց թողեց ձախողված ֆոնային աշխատանքը" in timeline
    operator.close()
