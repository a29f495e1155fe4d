"""Consent for every referral, in a real browser: a social worker refers an enrolled
family that gave consent to take part but not to referral, is refused with a message
saying what to record, records the family's referral consent by ticking its purpose
and choosing who gave it, and refers the family. Screenshots go to
test-artifacts/intake-referral-consent-*.png."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import programme_fixtures as pf
from tests.browser.test_intake import login, site  # noqa: F401 - the site fixture
from workflow.commands import AdvanceCase
from workflow.programme import referrals
from workflow.programme.families import ConsentRow
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

REFUSED = (
    "The family has not given consent to referral that is valid today, so the referral is "
    "not made. Record the family's consent first (Record consent, tick “Referral to partner "
    "organisations”), then refer the family again."
)


def test_refused_without_referral_consent_then_consent_recorded_and_referred(
    chromium,
    site,  # noqa: F811 - the fixture imported above
    artifacts,
):
    url, rt = site
    case_id = pf.register(rt, actor=pf.SOCIAL_WORKER)
    pf.bring_to(rt, case_id, "assessed")
    pf.consent(rt, case_id, purposes=("participation",))
    handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor=pf.SOCIAL_WORKER))
    context, tab = login(chromium, url, artifacts)
    page = tab.page
    page.get_by_role("button", name="English").click()
    tab.language = "en"
    tab.check()

    # Refer without referral consent: refused, with what to record; the text stays.
    tab.goto(f"/cases/{case_id}/forms/referral")
    page.get_by_label("Partner organisation").select_option(index=1)
    page.get_by_label("What is the family referred for?").fill("Legal advice on benefits")
    tab.submit("Send the referral", status=422)
    assert page.get_by_role("alert").get_by_text(REFUSED).is_visible()
    assert page.get_by_label("What is the family referred for?").input_value() == (
        "Legal advice on benefits"
    )
    tab.shot("referral-consent-refused")
    assert referrals.list_referrals(rt, case_id=case_id) == []

    # Record the family's consent to referral: tick the purpose, choose who gave it.
    tab.goto(f"/cases/{case_id}/forms/consent")
    page.get_by_label("Referral to partner organisations").check()
    page.get_by_label("Consent given by").select_option(str(pf.first_member(rt, case_id)))
    tab.shot("referral-consent-form")
    tab.submit("Save")
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    with rt.session_factory() as session:
        purposes = [
            row.purposes
            for row in session.scalars(
                select(ConsentRow).where(ConsentRow.case_id == case_id).order_by(ConsentRow.id)
            )
        ]
    assert purposes == [["participation"], ["referral"]]

    # Now the referral goes.
    tab.goto(f"/cases/{case_id}/forms/referral")
    page.get_by_label("Partner organisation").select_option(index=1)
    page.get_by_label("What is the family referred for?").fill("Legal advice on benefits")
    tab.submit("Send the referral")
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=referred")
    [referral] = referrals.list_referrals(rt, case_id=case_id)
    assert referral["status"] == "queued"
    tab.shot("referral-consent-referred")
    context.close()
