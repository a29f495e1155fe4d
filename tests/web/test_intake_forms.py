"""Intake and the forms that change a case, as a browser sends them (TestClient on SQLite):
checkboxes send "on", a possible duplicate is confirmed from inside the form and says
why, a form sent twice is saved once, a stale form keeps what was typed, and the
defaults (today in dd.mm.yyyy, the logged-in assessor, the registering worker)."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests import programme_fixtures as pf
from tests.web.test_pages import FAMILY_FORM
from workflow.persistence.models import CaseRow
from workflow.programme.families import ConsentRow, FamilyRow, MemberInput
from workflow.programme.staff import StaffRow

TODAY = "15.01.2026"  # the tests' fixed clock, in the interface's format
FIELD = re.compile(r"<(input|textarea|select)\b[^>]*\bname=\"([^\"]+)\"[^>]*>", re.S)


def form_of(page: str, action: str | None = None) -> str:
    """The HTML of the page's form (the one posting to ``action``, if given; else the
    first one that is not the header's language or logout button)."""
    for found in re.finditer(r"<form\b[^>]*>.*?</form>", page, re.S):
        opening = found.group(0).split(">", 1)[0]
        if action is not None and f'action="{action}"' not in opening:
            continue
        if action is None and re.search(r'action="/(language|logout)"', opening):
            continue
        return found.group(0)
    raise AssertionError(f"no form {action or ''} on the page")


def _consent(rt: Any, case_id: int, note: str = "Մասնակցություն") -> dict[str, Any]:
    """What the consent form sends once filled in: a purpose ticked, the household member
    who gave it chosen, a note typed."""
    return {
        "purposes": "participation",
        "given_by": str(pf.first_member(rt, case_id)),
        "note": note,
    }


def fields_of(form: str) -> dict[str, Any]:
    """What a browser sends from the form as it stands: hidden fields, text, ticked
    boxes and selected options (textareas with their text)."""
    values: dict[str, Any] = {}
    for found in re.finditer(r"<input\b[^>]*>", form):
        tag = found.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) == "checkbox" and " checked" not in tag:
            continue
        values[name.group(1)] = html.unescape(value.group(1)) if value else "on"
    for found in re.finditer(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[found.group(1)] = html.unescape(found.group(2))
    for found in re.finditer(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', found.group(2))
        values[found.group(1)] = chosen.group(1) if chosen else ""
    values.pop("apply_again", None)  # a button, sent only when it is the one pressed
    return values


def checkboxes_of(form: str) -> list[tuple[str, str]]:
    boxes = []
    for found in re.finditer(r'<input\b[^>]*type="checkbox"[^>]*>', form):
        tag = found.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        assert name, tag
        boxes.append((name.group(1), value.group(1) if value else "on"))
    return boxes


def count(rt, model, **where) -> int:
    with rt.session_factory() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(session.scalar(query) or 0)


def family_row(rt, case_id: int) -> FamilyRow:
    with rt.session_factory() as session:
        row = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
        assert row is not None
        return row


def case_of(location: str) -> int:
    found = re.search(r"/cases/(\d+)", location)
    assert found, location
    return int(found.group(1))


# --- 1. Checkboxes: what a browser sends for a ticked box is read as yes, everywhere. ---


def test_ticking_the_state_benefit_box_registers_the_family(browser, rt):
    b = browser(pf.SOCIAL_WORKER)
    form = fields_of(form_of(b.get("/families/new").text, "/families"))
    form.update({k: v for k, v in FAMILY_FORM.items()})
    form["state_benefit"] = "on"  # what Chromium sends for the ticked box
    form["members[2].disability"] = "on"
    response = b.post("/families", form)
    assert response.status_code == 303, response.text
    assert family_row(rt, case_of(response.headers["location"])).state_benefit is True
    # Shown again after a refusal, the box is still ticked.
    refused = b.post("/families", {**FAMILY_FORM, "state_benefit": "on", "family_name": ""})
    assert refused.status_code == 422
    assert re.search(r'name="state_benefit" type="checkbox" checked', refused.text)


def test_a_family_registers_without_consent_though_its_date_starts_at_today(browser, rt):
    b = browser(pf.SOCIAL_WORKER)
    form = fields_of(form_of(b.get("/families/new").text, "/families"))
    assert form["consent.given_on"] == TODAY
    without = {k: v for k, v in FAMILY_FORM.items() if not k.startswith("consent.")}
    response = b.post("/families", {**form, **without})
    assert response.status_code == 303, response.text
    assert count(rt, ConsentRow) == 0
    # Another date without its purpose is a consent half given: refused, not dropped.
    form = fields_of(form_of(b.get("/families/new").text, "/families"))
    other = {**without, "phone": "+374 77 111222", "consent.given_on": "10.01.2026"}
    refused = b.post("/families", {**form, **other, **_other()})
    assert refused.status_code == 422 and 'id="f-consent-purpose-error"' in refused.text


def _every_form(b, rt) -> list[tuple[str, str]]:
    """(page, form action) of every form that has a checkbox or could grow one."""
    case_id = pf.case_in(rt, "enrolled")
    b.post(
        f"/cases/{case_id}/forms/service",
        {"service": "clubs", "target_date": "01.02.2026", "provider_staff": pf.SOCIAL_WORKER},
    )
    page = b.get(f"/cases/{case_id}").text
    service_id = re.findall(r"/services/(\d+)/forms/delivery", page)[-1]
    from web.cases.form_specs import CASE_FORMS, SERVICE_FORMS

    pages = [("/families/new", "/families")]
    pages += [(f"/cases/{case_id}/forms/{name}", None) for name in CASE_FORMS]
    pages += [(f"/services/{service_id}/forms/{name}", None) for name in SERVICE_FORMS]
    return pages


def test_every_checkbox_of_every_form_accepts_what_a_browser_sends(browser, rt):
    manager = browser("manager")  # may open every form, close and reopen included
    checked = []
    for path, action in _every_form(manager, rt):
        page = manager.get(path)
        assert page.status_code == 200, path
        form = form_of(page.text, action)
        boxes = checkboxes_of(form)
        if not boxes:
            continue
        sent = fields_of(form)
        for name, value in boxes:
            if name == "criteria":
                sent.setdefault(name, [])
                sent[name] = [*sent[name], value] if isinstance(sent[name], list) else [value]
            else:
                sent[name] = value
        response = manager.post(action or path, sent)
        for name, _ in boxes:
            error_id = 'id="{}-error"'.format(
                "f-" + name.replace("[", "-").replace("]", "").replace(".", "-")
            )
            assert error_id not in response.text, (path, name)
        assert "Պատասխանեք այո կամ ոչ" not in response.text, path
        checked += [f"{path}:{name}" for name, _ in boxes]
    # registration (benefit, disability x4), assessment (risk, criteria), delivery, counselling
    assert any("families/new:state_benefit" in c for c in checked)
    assert any("assessment:risk_of_abandonment" in c for c in checked)
    assert any("delivery:final" in c for c in checked)
    assert any("counselling:follow_up_needed" in c for c in checked)


# --- 2 and 3. Possible duplicates: confirmed from inside the form, found across scripts. ---


def _hakobyan(rt) -> int:
    return pf.register(
        rt,
        family_name="Հակոբյան",
        phone="+374 94 555111",
        members=(
            MemberInput(role="father", full_name="Գևորգ Հակոբյան", date_of_birth=date(1984, 6, 1)),
            MemberInput(role="child", full_name="Արամ Հակոբյան", date_of_birth=date(2015, 3, 2)),
        ),
    )


LATIN_FAMILY = {
    "family_name": "Hakobyan",
    "community": "hrazdan",
    "phone": "+374 99 000777",  # another phone: only the child can match
    "members[1].full_name": "Karine Hakobyan",
    "members[1].role": "mother",
    "members[1].date_of_birth": "11.11.1988",
    "members[2].full_name": "Aram Hakobyan",
    "members[2].role": "child",
    "members[2].date_of_birth": "02.03.2015",
}


def test_the_same_child_in_latin_letters_is_a_possible_duplicate_and_says_why(browser, rt):
    existing = _hakobyan(rt)
    b = browser(pf.SOCIAL_WORKER)
    refused = b.post("/families", LATIN_FAMILY)
    assert refused.status_code == 422
    page = refused.text
    assert f'href="/cases/{existing}"' in page
    assert "Երեխա՝ Aram Hakobyan, ծնված՝ 02.03.2015, համընկնում է՝ Արամ Հակոբյան" in page
    # The confirmation is inside the registration form, so it is sent with the family.
    form = form_of(page, "/families")
    assert 'name="confirm_duplicate"' in form
    sent = {**fields_of(form), "confirm_duplicate": "on"}
    confirmed = b.post("/families", sent)
    assert confirmed.status_code == 303
    assert case_of(confirmed.headers["location"]) != existing
    assert count(rt, CaseRow) == 2


def test_the_duplicate_reason_is_in_english_on_the_english_page(browser, rt):
    _hakobyan(rt)
    b = browser(pf.SOCIAL_WORKER)
    b.post("/language", {"language": "en", "next": "/"})
    page = b.post("/families", LATIN_FAMILY).text
    assert "Child Aram Hakobyan, born 2 Mar 2015, matches Արամ Հակոբյան" in page


def test_a_different_child_of_the_same_birth_date_is_no_duplicate(browser, rt):
    _hakobyan(rt)
    b = browser(pf.SOCIAL_WORKER)
    twin = {**LATIN_FAMILY, "members[2].full_name": "Arman Hakobyan"}
    assert b.post("/families", twin).status_code == 303


# --- 4. A form sent twice is saved once; the second shows the first one's result. ---


def test_a_consent_sent_twice_is_saved_once_with_a_notice(browser, rt):
    case_id = pf.register(rt)
    b = browser(pf.SOCIAL_WORKER)
    form = fields_of(form_of(b.get(f"/cases/{case_id}/forms/consent").text))
    assert form["form_token"] and form["expected_version"]
    form.update(_consent(rt, case_id, "Տվյալների մշակում"))
    first = b.post(f"/cases/{case_id}/forms/consent", form)
    assert first.status_code == 303
    second = b.post(f"/cases/{case_id}/forms/consent", form)  # Back, then save again
    assert second.status_code == 303
    assert second.headers["location"].startswith(f"/cases/{case_id}?")
    assert "msg=already_saved" in second.headers["location"]
    assert count(rt, ConsentRow, case_id=case_id) == 1
    page = b.get(second.headers["location"]).text
    assert "Այս ձևն արդեն պահպանվել էր՝ 15.01.2026" in page


def test_a_registration_sent_twice_registers_one_family(browser, rt):
    b = browser(pf.SOCIAL_WORKER)
    form = {**fields_of(form_of(b.get("/families/new").text, "/families")), **FAMILY_FORM}
    first = b.post("/families", form)
    second = b.post("/families", form)
    assert first.status_code == second.status_code == 303
    assert case_of(second.headers["location"]) == case_of(first.headers["location"])
    assert count(rt, CaseRow) == 1


@pytest.mark.parametrize("button", ["transition", "start"])
def test_the_case_page_buttons_are_safe_to_press_twice(browser, rt, button):
    b = browser(pf.SOCIAL_WORKER)
    if button == "transition":
        case_id = pf.register(rt)
        pf.prepare(rt, case_id, "assess")
        action = f"/cases/{case_id}/transitions/assess"
    else:
        case_id = pf.case_in(rt, "enrolled")
        pf.plan_and_assign(rt, case_id)
        found = re.search(r'action="(/services/\d+/start)"', b.get(f"/cases/{case_id}").text)
        assert found
        action = found.group(1)
    form = fields_of(form_of(b.get(f"/cases/{case_id}").text, action))
    assert "form_token" in form
    assert b.post(action, form).status_code == 303
    again = b.post(action, form)
    assert again.status_code == 303 and "msg=already_saved" in again.headers["location"]


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(browser, rt):
    case_id = pf.register(rt)
    b = browser(pf.SOCIAL_WORKER)
    form = fields_of(form_of(b.get(f"/cases/{case_id}/forms/consent").text))
    refused = b.post(f"/cases/{case_id}/forms/consent", form)  # no purpose
    assert refused.status_code == 422
    again = fields_of(form_of(refused.text))
    assert again["form_token"] == form["form_token"]
    saved = b.post(f"/cases/{case_id}/forms/consent", {**again, **_consent(rt, case_id)})
    assert saved.status_code == 303 and "msg=saved" in saved.headers["location"]


def test_a_referral_sent_twice_is_sent_once(browser, rt):
    from workflow.programme import referrals

    case_id = pf.case_in(rt, "enrolled")
    b = browser(pf.SOCIAL_WORKER)
    before = len(referrals.list_referrals(rt, case_id=case_id))
    form = fields_of(form_of(b.get(f"/cases/{case_id}/forms/referral").text, None))
    assert form["form_token"]
    partner = re.search(
        r'<option value="([^"]+)"', form_of(b.get(f"/cases/{case_id}/forms/referral").text)
    )
    assert partner
    form.update({"partner": partner.group(1), "purpose": "Իրավաբանական խորհրդատվություն"})
    assert b.post(f"/cases/{case_id}/forms/referral", form).status_code == 303
    again = b.post(f"/cases/{case_id}/forms/referral", form)
    assert again.status_code == 303 and "msg=already_saved" in again.headers["location"]
    assert len(referrals.list_referrals(rt, case_id=case_id)) == before + 1


def test_procurement_approved_twice_is_approved_once_without_an_error(browser, rt, publisher):
    from tests.web import work_fixtures as wf

    _, request_id = wf.goods_requested(rt, publisher)
    officer = browser("procurement")
    page = officer.get(f"/procurement/{request_id}").text
    form = fields_of(form_of(page, f"/procurement/{request_id}/approve"))
    assert form["form_token"]
    assert officer.post(f"/procurement/{request_id}/approve", form).status_code == 303
    again = officer.post(f"/procurement/{request_id}/approve", form)  # not "not in a status"
    assert again.status_code == 303
    assert again.headers["location"].startswith(f"/procurement/{request_id}?")
    assert "msg=already_saved" in again.headers["location"]


# --- 5. A stale form keeps what was typed, shows what changed, saves again in one click. ---


def test_a_stale_form_keeps_the_input_shows_the_change_and_saves_again(browser, rt):
    case_id = pf.register(rt)
    b = browser(pf.SOCIAL_WORKER)
    form = fields_of(form_of(b.get(f"/cases/{case_id}/forms/consent").text))
    form.update(_consent(rt, case_id, "Մասնակցություն ծրագրին, խորհրդատվություն"))
    pf.assess(rt, case_id, actor="manager")  # meanwhile, someone else
    stale = b.post(f"/cases/{case_id}/forms/consent", form)
    assert stale.status_code == 409
    page = stale.text
    assert "Մասնակցություն ծրագրին, խորհրդատվություն" in page  # what was typed
    assert "Այդ ընթացքում փոխվել է" in page and "Լուսինե Հակոբյան" in page  # who changed it
    with rt.session_factory() as session:
        version = session.scalar(select(CaseRow.version).where(CaseRow.id == case_id))
    again = fields_of(form_of(page))
    assert again["expected_version"] == str(version)
    assert count(rt, ConsentRow, case_id=case_id) == 0
    saved = b.post(f"/cases/{case_id}/forms/consent", {**again, "apply_again": "1"})
    assert saved.status_code == 303
    assert count(rt, ConsentRow, case_id=case_id) == 1


# --- 9. Defaults and the one date format. ---


def test_new_forms_start_at_today_in_dd_mm_yyyy_and_with_the_logged_in_assessor(browser, rt):
    case_id = pf.register(rt)
    worker = browser(pf.SOCIAL_WORKER)
    assessment = worker.get(f"/cases/{case_id}/forms/assessment").text
    assert fields_of(form_of(assessment))["assessed_on"] == TODAY
    assert fields_of(form_of(assessment))["assessor"] == pf.SOCIAL_WORKER
    consent = fields_of(form_of(worker.get(f"/cases/{case_id}/forms/consent").text))
    assert consent["given_on"] == TODAY
    registration = fields_of(form_of(worker.get("/families/new").text, "/families"))
    assert registration["consent.given_on"] == TODAY
    assert registration["members[1].date_of_birth"] == ""
    pf.assign_psychologist(rt, case_id)
    psychologist = browser(pf.PSYCHOLOGIST)
    counselling = psychologist.get(f"/cases/{case_id}/forms/counselling").text
    assert fields_of(form_of(counselling))["psychologist"] == pf.PSYCHOLOGIST
    assert fields_of(form_of(counselling))["held_on"] == TODAY
    # A manager is no assessor: nobody is preselected for them.
    manager = browser("manager")
    assert (
        fields_of(form_of(manager.get(f"/cases/{case_id}/forms/assessment").text))["assessor"] == ""
    )


def test_no_form_uses_the_browsers_own_date_format(browser, rt):
    manager = browser("manager")
    for path, _ in _every_form(manager, rt):
        page = manager.get(path).text
        assert 'type="date"' not in page, path


@pytest.mark.parametrize(
    ("typed", "saved"),
    [("15.01.2026", "2026-01-15"), ("5.1.2026", "2026-01-05"), ("14/01/2026", "2026-01-14")],
)
def test_dates_are_read_day_first_as_typed(browser, rt, typed, saved):
    case_id = pf.register(rt)
    b = browser(pf.SOCIAL_WORKER)
    form = fields_of(form_of(b.get(f"/cases/{case_id}/forms/consent").text))
    response = b.post(
        f"/cases/{case_id}/forms/consent", {**form, **_consent(rt, case_id), "given_on": typed}
    )
    assert response.status_code == 303
    with rt.session_factory() as session:
        given = session.scalar(select(ConsentRow.given_on).where(ConsentRow.case_id == case_id))
    assert given is not None and given.isoformat() == saved


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01/13/2026", "Սա ամսաթիվ չէ. օգտագործեք 15.03.2024 ձևաչափը։"),  # month first
        ("31.02.2026", "Սա ամսաթիվ չէ. օգտագործեք 15.03.2024 ձևաչափը։"),
        ("15.01.26", "Սա ամսաթիվ չէ. օգտագործեք 15.03.2024 ձևաչափը։"),
    ],
)
def test_a_date_not_in_dd_mm_yyyy_is_refused_clearly(browser, rt, typed, message):
    case_id = pf.register(rt)
    b = browser(pf.SOCIAL_WORKER)
    form = fields_of(form_of(b.get(f"/cases/{case_id}/forms/consent").text))
    response = b.post(
        f"/cases/{case_id}/forms/consent", {**form, **_consent(rt, case_id), "given_on": typed}
    )
    assert response.status_code == 422
    assert message in response.text and f'value="{typed}"' in response.text


def test_the_social_worker_who_registers_a_family_is_assigned_to_it(browser, rt):
    b = browser(pf.SOCIAL_WORKER)
    response = b.post("/families", FAMILY_FORM)
    case_id = case_of(response.headers["location"])
    with rt.session_factory() as session:
        worker = session.scalar(select(StaffRow.id).where(StaffRow.username == pf.SOCIAL_WORKER))
    assert family_row(rt, case_id).social_worker_id == worker
    assert "Սարգսյան" in b.get("/cases").text  # in "my cases", the worker's first view
    # A manager who registers a family is not its social worker.
    manager = browser("manager")
    other = manager.post("/families", {**FAMILY_FORM, "phone": "+374 77 000001"} | _other())
    assert family_row(rt, case_of(other.headers["location"])).social_worker_id is None


def _other() -> dict[str, str]:
    return {
        "family_name": "Պողոսյան",
        "members[1].full_name": "Լիլիթ Պողոսյան",
        "members[2].full_name": "Դավիթ Պողոսյան",
    }


def test_an_inactive_worker_is_not_assigned(rt):
    pf.ensure_staff(rt)
    with rt.session_factory() as session:
        session.execute(
            update(StaffRow).where(StaffRow.username == pf.SOCIAL_WORKER).values(active=False)
        )
        session.commit()
    case_id = pf.register(rt, actor=pf.SOCIAL_WORKER)
    assert family_row(rt, case_id).social_worker_id is None


def test_the_json_api_reads_a_checkbox_and_finds_a_latin_duplicate(live_server, rt):
    from tests.web.test_api import assert_problem, login

    existing = _hakobyan(rt)
    worker = login(live_server, pf.SOCIAL_WORKER)
    family = {
        "family_name": "Hakobyan",
        "community": "hrazdan",
        "state_benefit": "on",  # as an HTML form would send it, relayed by a script
        "members": [{"role": "child", "full_name": "Aram Hakobyan", "date_of_birth": "2015-03-02"}],
    }
    body = assert_problem(worker.post("/api/v1/families", json=family), 422, "possible-duplicate")
    assert body["case_ids"] == [existing]
    assert "child Aram Hakobyan, born 2015-03-02, matches Արամ Հակոբյան" in body["matches"][0]
    created = worker.post("/api/v1/families", json={**family, "confirm_duplicate": True})
    assert created.status_code == 201
    assert family_row(rt, created.json()["case_id"]).state_benefit is True


def test_late_in_the_evening_forms_start_at_yerevans_today(browser, rt, clock):
    # 21:30 UTC on 15 January is 01:30 on the 16th in Yerevan: the form offers the 16th, and
    # saving it is not refused as a date in the future.
    clock.advance(timedelta(hours=21, minutes=30) - timedelta(hours=clock.now().hour))
    case_id = pf.register(rt)
    worker = browser(pf.SOCIAL_WORKER)
    form = fields_of(form_of(worker.get(f"/cases/{case_id}/forms/consent").text))
    assert form["given_on"] == "16.01.2026"
    form.update(_consent(rt, case_id, "Տվյալների մշակում"))
    saved = worker.post(f"/cases/{case_id}/forms/consent", form)
    assert saved.status_code == 303, saved.text
    assert count(rt, ConsentRow, case_id=case_id) == 1
