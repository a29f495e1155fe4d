"""Consent for every referral, on the pages and the API: the referral form refuses a
family without referral consent with a message that says what to record (in Armenian
and English), and the consent form records purposes, expiry and who gave it."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from tests import programme_fixtures as pf
from tests.web.test_intake_forms import fields_of, form_of
from tests.web.test_messages import in_english
from workflow.commands import AdvanceCase
from workflow.persistence.models import CaseRow
from workflow.programme import referrals
from workflow.programme.families import ConsentRow
from workflow.services import handle

REFUSED_HY = (
    "Ընտանիքը չունի այսօր գործող համաձայնություն ուղեգրման համար, ուստի ուղեգիրը չի "
    "կազմվել։ Նախ գրանցեք ընտանիքի համաձայնությունը («Գրանցել համաձայնություն», նշեք "
    "«Ուղեգրում գործընկեր կազմակերպություններին»), ապա կրկին ուղեգրեք ընտանիքը։"
)
REFUSED_EN = (
    "The family has not given consent to referral that is valid today, so the referral is "
    "not made. Record the family's consent first (Record consent, tick “Referral to partner "
    "organisations”), then refer the family again."
)
PURPOSE = "Իրավաբանական խորհրդատվություն"


def _enrolled_without_referral_consent(rt) -> int:
    case_id = pf.register(rt)
    pf.bring_to(rt, case_id, "assessed")
    pf.prepare(rt, case_id, "enrol")  # participation and referral ...
    with rt.session_factory.begin() as session:  # ... then only participation is kept
        for row in session.scalars(select(ConsentRow).where(ConsentRow.case_id == case_id)):
            row.purposes = ["participation"]
    handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor="worker-1"))
    return case_id


def _referral_form(b, case_id: int) -> dict[str, str]:
    page = b.get(f"/cases/{case_id}/forms/referral").text
    form = fields_of(form_of(page, None))
    partner = re.search(r'<option value="([^"]+)"', form_of(page, None))
    assert partner
    form.update({"partner": partner.group(1), "purpose": PURPOSE})
    return form


def test_the_referral_form_refuses_without_referral_consent_in_both_languages(browser, rt):
    case_id = _enrolled_without_referral_consent(rt)
    b = browser(pf.SOCIAL_WORKER)
    refused = b.post(f"/cases/{case_id}/forms/referral", _referral_form(b, case_id))
    assert refused.status_code == 422
    assert REFUSED_HY in html.unescape(refused.text)
    assert PURPOSE in refused.text  # what was typed is kept
    in_english(b)
    refused = b.post(f"/cases/{case_id}/forms/referral", _referral_form(b, case_id))
    assert refused.status_code == 422 and REFUSED_EN in html.unescape(refused.text)
    assert referrals.list_referrals(rt, case_id=case_id) == []


def test_the_consent_form_records_purposes_and_who_gave_it_then_the_referral_goes(browser, rt):
    case_id = _enrolled_without_referral_consent(rt)
    member = pf.first_member(rt, case_id)
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    page = b.get(f"/cases/{case_id}/forms/consent").text
    assert 'name="purposes" type="checkbox" value="referral"' in page
    assert f'<option value="{member}">' in page and '<option value="other">' in page
    form = fields_of(form_of(page))
    # Nothing ticked, nobody chosen: refused beside each field, the note kept.
    refused = b.post(f"/cases/{case_id}/forms/consent", {**form, "note": "Read aloud to her"})
    assert refused.status_code == 422
    assert 'id="f-purposes-error"' in refused.text
    assert "Tick what the family agrees to." in refused.text
    assert 'id="f-given_by-error"' in refused.text
    assert "Say who gave the consent: a household member, or a guardian by name." in refused.text
    assert "Read aloud to her" in refused.text
    # Someone else without a name.
    again = fields_of(form_of(refused.text))
    refused = b.post(
        f"/cases/{case_id}/forms/consent", {**again, "purposes": "referral", "given_by": "other"}
    )
    assert refused.status_code == 422
    assert 'id="f-given_by_name-error"' in refused.text
    assert "Name the guardian or legal representative who gave the consent." in refused.text
    assert re.search(r'name="purposes" type="checkbox" value="referral" checked', refused.text)
    # An expiry before the day it was given.
    again = fields_of(form_of(refused.text))
    refused = b.post(
        f"/cases/{case_id}/forms/consent",
        {**again, "given_by_name": "Սոնա Սարգսյան", "expires_on": "01.01.2020"},
    )
    assert refused.status_code == 422
    assert 'id="f-expires_on-error"' in refused.text
    assert "The consent cannot expire before the day it was given." in refused.text
    assert 'value="01.01.2020"' in refused.text
    again = fields_of(form_of(refused.text))
    saved = b.post(
        f"/cases/{case_id}/forms/consent",
        {**again, "given_by": str(member), "given_by_name": "", "expires_on": "31.12.2026"},
    )
    assert saved.status_code == 303, saved.text
    with rt.session_factory() as session:
        row = session.scalars(
            select(ConsentRow).where(ConsentRow.case_id == case_id).order_by(ConsentRow.id.desc())
        ).first()
    assert row is not None
    assert (row.purposes, row.given_by_member_id, row.given_by_name, row.note) == (
        ["referral"],
        member,
        None,
        "Read aloud to her",
    )
    assert row.expires_on is not None and row.expires_on.isoformat() == "2026-12-31"
    referred = b.post(f"/cases/{case_id}/forms/referral", _referral_form(b, case_id))
    assert referred.status_code == 303
    assert len(referrals.list_referrals(rt, case_id=case_id)) == 1


def test_withdrawing_referral_consent_on_the_page_keeps_the_case_and_points_to_open_referrals(
    browser, rt
):
    case_id = pf.case_in(rt, "enrolled")  # participation and referral consent
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    assert b.post(f"/cases/{case_id}/forms/referral", _referral_form(b, case_id)).status_code == 303
    assert f"/cases/{case_id}/forms/withdraw_consent" in b.get(f"/cases/{case_id}").text
    form = fields_of(form_of(b.get(f"/cases/{case_id}/forms/withdraw_consent").text))
    # First the page that says what will happen: the case stays open.
    check = b.post(
        f"/cases/{case_id}/consent/withdrawal/check",
        {**form, "purposes": "referral", "reason": "No more referrals, please"},
    )
    assert check.status_code == 200 and "The case stays open." in check.text
    confirm = fields_of(form_of(check.text, f"/cases/{case_id}/forms/withdraw_consent"))
    withdrawn = b.post(f"/cases/{case_id}/forms/withdraw_consent", confirm)
    assert withdrawn.status_code == 303
    assert "msg=consent_withdrawn_referrals_open" in withdrawn.headers["location"]
    page = html.unescape(b.get(withdrawn.headers["location"]).text)
    assert "Some referrals are still open with partners" in page
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "enrolled"
    refused = b.post(f"/cases/{case_id}/forms/referral", _referral_form(b, case_id))
    assert refused.status_code == 422 and REFUSED_EN in html.unescape(refused.text)


def test_the_api_withdrawal_answers_the_referrals_still_open(live_server, rt):
    from tests.web.test_api import login

    case_id = pf.case_in(rt, "enrolled")
    worker = login(live_server, pf.SOCIAL_WORKER)
    refused = worker.post(
        f"/api/v1/cases/{case_id}/consents",
        json={"purposes": ["gossip"], "given_on": "2026-01-10", "given_by": "other"},
    )
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"given_by_name"}  # the reader's problem first; purposes are the service's
    recorded = worker.post(
        f"/api/v1/cases/{case_id}/consents",
        json={
            "purposes": ["photo"],
            "given_on": "2026-01-10",
            "given_by": "other",
            "given_by_name": "Սոնա Սարգսյան",
        },
    )
    assert recorded.status_code == 201, recorded.text
    created = worker.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={"partner": "kotayk_rights", "purpose": "Իրավաբանական"},
    )
    assert created.status_code == 201, created.text
    withdrawn = worker.post(
        f"/api/v1/cases/{case_id}/consents/withdrawal",
        json={"withdrawn_on": "2026-01-14", "purposes": ["referral"]},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    body = withdrawn.json()
    assert body["closed_from"] is None and body["purposes"] == ["referral"]
    assert [(r["partner"], r["status"]) for r in body["open_referrals"]] == [
        ("kotayk_rights", "queued")
    ]
    again = worker.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={"partner": "kotayk_rights", "purpose": "Իրավաբանական"},
    )
    assert again.status_code == 422
    assert "no consent to referral" in again.json()["detail"]
