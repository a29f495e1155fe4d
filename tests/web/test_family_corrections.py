"""Correcting a family's file on the pages and the API: the family's details and its
members, each change on the timeline before and after; bad input refused beside its
field with what was typed kept; a possible duplicate confirmed by a box; a stale form
409; Back and save again saved once; the health notes neither shown nor wiped for a
social worker; a colleague's read-only case offers no edit; and a consent withdrawal
says what will happen before anything is written."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.web.conftest import PASSWORD
from tests.web.test_intake_forms import fields_of, form_of
from tests.web.test_messages import in_english
from web.shared import accounts
from workflow import queries
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme import families
from workflow.programme import staff as programme_staff
from workflow.programme.families import MemberRow
from workflow.programme.staff import AddStaff
from workflow.services import handle


def events(rt) -> int:
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(CaseEventRow)) or 0)


def members(rt, case_id):
    return families.family_view(rt, case_id=case_id)["members"]


def page_text(response) -> str:
    return html.unescape(response.text)


def test_the_family_is_edited_beside_its_fields_and_the_timeline_shows_before_and_after(
    browser, rt
):
    case_id = pf.register(rt, phone="+374 91 123456")
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    case_page = b.get(f"/cases/{case_id}").text
    assert f'href="/cases/{case_id}/family/edit"' in case_page
    form = fields_of(form_of(b.get(f"/cases/{case_id}/family/edit").text))
    assert form["phone"] == "+374 91 123456" and form["community"] == "hrazdan"
    before = events(rt)
    refused = b.post(f"/cases/{case_id}/family/edit", {**form, "phone": "09l-12"})
    assert refused.status_code == 422
    assert 'id="f-phone-error"' in refused.text and "This is not a phone number." in refused.text
    assert 'value="09l-12"' in refused.text  # what was typed is kept
    assert events(rt) == before
    again = fields_of(form_of(refused.text))
    saved = b.post(f"/cases/{case_id}/family/edit", {**again, "phone": "+374 93 000111"})
    assert saved.status_code == 303, saved.text
    # The form sends every field; only the one that changed is recorded.
    last = queries.case_view(rt, case_id=case_id)["timeline"][-1]
    assert last["data"]["changed"] == {"phone": "+374 93 000111"}
    assert last["data"]["before"] == {"phone": "+374 91 123456"}
    form = fields_of(form_of(b.get(f"/cases/{case_id}/family/edit").text))
    assert "state_benefit" not in form  # not ticked
    ticked = b.post(f"/cases/{case_id}/family/edit", {**form, "state_benefit": "on"})
    assert ticked.status_code == 303
    last = queries.case_view(rt, case_id=case_id)["timeline"][-1]
    assert (last["data"]["changed"], last["data"]["before"]) == (
        {"state_benefit": True},
        {"state_benefit": False},
    )
    page = page_text(b.get(f"/cases/{case_id}"))
    assert "Family details changed" in page
    assert re.search(r"Phone</span>: <del>\+374 91 123456</del> → <ins>\+374 93 000111</ins>", page)


def test_a_member_added_twice_by_back_and_save_is_added_once(browser, rt):
    case_id = pf.register(rt)
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    form = fields_of(form_of(b.get(f"/cases/{case_id}/members/new").text))
    assert "health_notes" not in b.get(f"/cases/{case_id}/members/new").text  # not her role's
    refused = b.post(
        f"/cases/{case_id}/members/new",
        {**form, "full_name": "Արամ Սարգսյան", "role": "child", "date_of_birth": "31.02.2019"},
    )
    assert refused.status_code == 422 and 'id="f-date_of_birth-error"' in refused.text
    assert "Արամ Սարգսյան" in refused.text and 'value="31.02.2019"' in refused.text
    filled = {**fields_of(form_of(refused.text)), "date_of_birth": "03.02.2019"}
    first = b.post(f"/cases/{case_id}/members/new", filled)
    assert first.status_code == 303
    second = b.post(f"/cases/{case_id}/members/new", filled)  # Back, and save again
    assert second.status_code == 303 and "msg=already_saved" in second.headers["location"]
    assert [m["full_name"] for m in members(rt, case_id)].count("Արամ Սարգսյան") == 1
    page = page_text(b.get(f"/cases/{case_id}"))
    assert "Household member added" in page and "Արամ Սարգսյան · Child" in page


def test_renaming_a_child_to_a_child_of_another_open_case_asks_for_confirmation(browser, rt):
    first = pf.register(rt, family_name="Ավետիսյան", phone="+374 94 000001")
    case_id = pf.register(rt, family_name="Դավթյան", phone="+374 94 000002")
    child = next(m for m in members(rt, case_id) if m["role"] == "child")
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    path = f"/cases/{case_id}/members/{child['id']}/edit"
    form = fields_of(form_of(b.get(path).text))
    assert form["full_name"] == "Նարե Դավթյան" and form["date_of_birth"] == "01.09.2016"
    warned = b.post(path, {**form, "full_name": "Նարե Ավետիսյան"})
    assert warned.status_code == 422
    text = page_text(warned)
    assert "Someone in this family may already be in an open case." in text
    assert f'href="/cases/{first}"' in warned.text
    assert "Child Նարե Ավետիսյան, born 1 Sep 2016, matches Նարե Ավետիսյան" in text
    assert 'name="confirm_duplicate"' in warned.text
    assert members(rt, case_id)[1]["full_name"] == "Նարե Դավթյան"
    confirmed = b.post(path, {**fields_of(form_of(warned.text)), "confirm_duplicate": "on"})
    assert confirmed.status_code == 303
    assert members(rt, case_id)[1]["full_name"] == "Նարե Ավետիսյան"
    page = page_text(b.get(f"/cases/{case_id}"))
    assert "Household member corrected" in page
    assert "<del>Նարե Դավթյան</del> → <ins>Նարե Ավետիսյան</ins>" in page


def test_a_stale_correction_comes_back_with_what_was_typed(browser, rt):
    case_id = pf.register(rt)
    mother = members(rt, case_id)[0]
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    path = f"/cases/{case_id}/members/{mother['id']}/edit"
    form = fields_of(form_of(b.get(path).text))
    handle(
        rt,
        families.UpdateFamily(case_id=case_id, actor="test", changes={"address": "Կենտրոն 3"}),
    )
    stale = b.post(path, {**form, "full_name": "Անի Պետրոսյան"})
    assert stale.status_code == 409
    assert "Անի Պետրոսյան" in stale.text and "Save my changes again" in stale.text
    assert members(rt, case_id)[0]["full_name"] == "Անի Սարգսյան"
    saved = b.post(path, fields_of(form_of(stale.text)))
    assert saved.status_code == 303
    assert members(rt, case_id)[0]["full_name"] == "Անի Պետրոսյան"


def test_a_social_worker_neither_sees_nor_wipes_the_health_notes(browser, rt):
    case_id = pf.register(rt)
    mother = members(rt, case_id)[0]
    handle(
        rt,
        families.CorrectMember(
            case_id=case_id,
            member_id=mother["id"],
            actor="cli:test",
            changes={"health_notes": "Շաքարային դիաբետ"},
        ),
    )
    path = f"/cases/{case_id}/members/{mother['id']}/edit"
    manager = browser("manager")
    assert "Շաքարային դիաբետ" in manager.get(path).text  # her role reads them
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    page = b.get(path).text
    assert "Շաքարային" not in page and 'name="health_notes"' not in page
    assert "they are not shown to your role and stay as they are" in html.unescape(page)
    form = fields_of(form_of(page))
    assert b.post(path, {**form, "full_name": "Անի Սարգսյան-Մելքոնյան"}).status_code == 303
    assert members(rt, case_id)[0]["health_notes"] == "Շաքարային դիաբետ"
    timeline = page_text(b.get(f"/cases/{case_id}"))
    assert "Շաքարային" not in timeline


def test_removing_a_member_asks_why_and_keeps_them_in_the_history(browser, rt):
    case_id = pf.register(rt)
    child = next(m for m in members(rt, case_id) if m["role"] == "child")
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    assert f"/cases/{case_id}/members/{child['id']}/remove" in b.get(f"/cases/{case_id}").text
    path = f"/cases/{case_id}/members/{child['id']}/remove"
    form = fields_of(form_of(b.get(path).text))
    refused = b.post(path, {**form, "reason": "  "})
    assert refused.status_code == 422 and 'id="f-reason-error"' in refused.text
    removed = b.post(path, {**form, "reason": "Ապրում է տատիկի մոտ Երևանում"})
    assert removed.status_code == 303
    assert [m["role"] for m in members(rt, case_id)] == ["mother"]
    with rt.session_factory() as session:
        assert session.get(MemberRow, child["id"]) is not None  # kept, marked
    page = page_text(b.get(f"/cases/{case_id}"))
    assert "No longer in the household" in page
    assert "Ապրում է տատիկի մոտ Երևանում" in page and "Household member removed" in page
    assert b.get(path).status_code == 404  # removed: no second removal
    # The last member has no remove link.
    mother = members(rt, case_id)[0]
    assert f"/members/{mother['id']}/remove" not in b.get(f"/cases/{case_id}").text


def test_a_colleagues_read_only_case_offers_no_edit(browser, rt):
    case_id = pf.register(rt)
    handle(rt, AddStaff(username="sw-karen", full_name="Կարեն", role="social_worker", actor="t"))
    accounts.set_password(rt, username="sw-karen", password=PASSWORD)
    for username in (pf.SOCIAL_WORKER, "sw-karen"):
        handle(
            rt,
            programme_staff.SetStaffCommunities(
                username=username, communities=("hrazdan",), actor="t"
            ),
        )
    colleague = browser("sw-karen")
    page = colleague.get(f"/cases/{case_id}").text
    assert "read-only" in page
    for link in ("/family/edit", "/members/new", "/edit", "/remove"):
        assert f'href="/cases/{case_id}{link}"' not in page
    assert f"/cases/{case_id}/members/" not in page
    form = fields_of(form_of(colleague.get(f"/cases/{case_id}/family/edit").text))
    refused = colleague.post(f"/cases/{case_id}/family/edit", {**form, "phone": "093000000"})
    assert refused.status_code == 403
    assert families.family_view(rt, case_id=case_id)["phone"] == "+374 91 123456"


def test_a_withdrawal_says_the_case_will_close_and_which_referrals_are_open_first(browser, rt):
    case_id = pf.case_in(rt, "enrolled")
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    referral = fields_of(form_of(b.get(f"/cases/{case_id}/forms/referral").text, None))
    partner = re.search(r'<option value="([^"]+)"', b.get(f"/cases/{case_id}/forms/referral").text)
    assert partner
    referral.update({"partner": partner.group(1), "purpose": "Իրավաբանական"})
    assert b.post(f"/cases/{case_id}/forms/referral", referral).status_code == 303
    form = fields_of(form_of(b.get(f"/cases/{case_id}/forms/withdraw_consent").text))
    before = events(rt)
    refused = b.post(
        f"/cases/{case_id}/consent/withdrawal/check", {**form, "withdrawn_on": "32.01.2026"}
    )
    assert refused.status_code == 422 and 'id="f-withdrawn_on-error"' in refused.text
    check = b.post(
        f"/cases/{case_id}/consent/withdrawal/check", {**form, "reason": "Տեղափոխվում են"}
    )
    assert check.status_code == 200
    text = page_text(check)
    assert "Nothing is saved yet." in text
    assert "The case will be closed (now: Enrolled)." in text
    assert "Referrals still open with partners" in text
    assert re.search(
        r'class="open-referrals"><li>Referral \d+ · [^<]*[^_<a-z]+[^<]* · queued', text
    )
    assert events(rt) == before  # nothing written by the check
    # Back to the form keeps what was typed.
    back = b.post(
        f"/cases/{case_id}/consent/withdrawal/back",
        fields_of(form_of(check.text, f"/cases/{case_id}/consent/withdrawal/back")),
    )
    assert back.status_code == 200 and "Տեղափոխվում են" in back.text
    # Straight to the last step without the check: refused, nothing written.
    unconfirmed = b.post(f"/cases/{case_id}/forms/withdraw_consent", form)
    assert unconfirmed.status_code == 422
    assert "Check what the withdrawal will do, then confirm it." in unconfirmed.text
    confirm = fields_of(form_of(check.text, f"/cases/{case_id}/forms/withdraw_consent"))
    done = b.post(f"/cases/{case_id}/forms/withdraw_consent", confirm)
    assert done.status_code == 303
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "closed"
    again = b.post(f"/cases/{case_id}/forms/withdraw_consent", confirm)  # Back and confirm
    assert again.status_code == 303 and "msg=already_saved" in again.headers["location"]


def test_the_api_corrects_the_family_and_its_members(live_server, rt):
    from tests.web.test_api import login

    first = pf.register(rt, family_name="Ավետիսյան", phone="+374 94 000001")
    case_id = pf.register(rt, family_name="Դավթյան", phone="+374 94 000002")
    worker = login(live_server, pf.SOCIAL_WORKER)
    bad = worker.patch(f"/api/v1/cases/{case_id}/family", json={"phone": "abc"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "phone"
    changed = worker.patch(
        f"/api/v1/cases/{case_id}/family", json={"address": "Աբովյան 3", "expected_version": 2}
    )
    assert changed.status_code == 200, changed.text
    version = changed.json()["version"]
    stale = worker.patch(
        f"/api/v1/cases/{case_id}/family", json={"address": "x", "expected_version": 2}
    )
    assert stale.status_code == 409
    added = worker.post(
        f"/api/v1/cases/{case_id}/members",
        json={"role": "child", "full_name": "Արամ Դավթյան", "date_of_birth": "2019-02-03"},
    )
    assert added.status_code == 201, added.text
    member_id = added.json()["record_id"]
    refused = worker.post(
        f"/api/v1/cases/{case_id}/members",
        json={
            "role": "child",
            "full_name": "Լիլիթ",
            "date_of_birth": "2019-02-03",
            "health_notes": "x",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "health_notes"
    duplicate = worker.patch(
        f"/api/v1/cases/{case_id}/members/{member_id}",
        json={"full_name": "Նարե Ավետիսյան", "date_of_birth": "2016-09-01"},
    )
    assert duplicate.status_code == 422
    assert duplicate.json()["case_ids"] == [first]
    corrected = worker.patch(
        f"/api/v1/cases/{case_id}/members/{member_id}",
        json={"full_name": "Արամ Դավթյան-Սարգսյան"},
    )
    assert corrected.status_code == 200
    removed = worker.post(
        f"/api/v1/cases/{case_id}/members/{member_id}/removal", json={"reason": "Սխալմամբ"}
    )
    assert removed.status_code == 200
    file = worker.get(f"/api/v1/cases/{case_id}").json()
    assert member_id not in [m["id"] for m in file["members"]]
    assert [m["removal_reason"] for m in file["removed_members"]] == ["Սխալմամբ"]
    assert file["family"]["address"] == "Աբովյան 3" and file["version"] > version
    assert file["removed_members"][0]["health_notes"] is None  # masked as the members
    preview = worker.post(
        f"/api/v1/cases/{case_id}/consents/withdrawal/preview",
        json={"withdrawn_on": pf.today(rt).isoformat()},
    )
    assert preview.status_code == 200 and preview.json()["closes"] is True
    assert worker.get(f"/api/v1/cases/{case_id}").json()["state"] == "referred"
