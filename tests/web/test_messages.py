"""Messages a reader gets, in their language and with what they need to act: a limit that
was passed, an address that leads nowhere, reasons the programme wrote itself, labels
from the configuration."""

from __future__ import annotations

import httpx

from tests import programme_fixtures as pf
from tests.web.conftest import PASSWORD
from tests.web.test_pages import FAMILY_FORM
from tests.web.work_fixtures import work_off
from web.shared import templating
from workflow.programme import reminders
from workflow.programme.counselling import RecordCounselling
from workflow.services import handle


def in_english(b) -> None:
    b.post("/language", {"language": "en", "next": "/"})


def test_a_text_too_long_says_the_limit_in_both_languages(browser):
    b = browser(pf.SOCIAL_WORKER)
    form = {**FAMILY_FORM, "members[1].full_name": "Ա" * 250}
    refused = b.post("/families", form)
    assert refused.status_code == 422
    assert "Տեքստը չափազանց երկար է՝ 250 նիշ, թույլատրվում է առավելագույնը 200։" in refused.text
    in_english(b)
    refused = b.post("/families", form)
    assert "This text is too long: 250 characters, at most 200." in refused.text


def test_a_word_where_a_case_number_belongs_is_a_page_not_found_in_the_readers_language(browser):
    b = browser(pf.SOCIAL_WORKER)
    page = b.get("/cases/abc")
    assert page.status_code == 404
    assert "Այս հասցեով էջ չկա" in page.text
    assert "Input should be" not in page.text and "case_id" not in page.text
    in_english(b)
    page = b.get("/cases/abc")
    assert page.status_code == 404 and 'lang="en"' in page.text
    assert "There is no page at this address" in page.text
    assert "Input should be" not in page.text


def test_the_api_answers_a_wrong_id_with_problem_details(live_server):
    with httpx.Client(base_url=live_server) as client:
        login = client.post("/api/v1/login", json={"username": "manager", "password": PASSWORD})
        assert login.status_code == 200
        answer = client.get("/api/v1/cases/abc")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["type"] == "urn:hogatar:problem:validation"
    assert body["errors"][0]["field"] == "case_id"


def test_reasons_the_programme_writes_are_shown_in_the_readers_language(
    browser, rt, publisher, clock
):
    # A follow-up reminder, cancelled when the case closes.
    case_id = pf.case_in(rt, "enrolled")
    handle(
        rt,
        RecordCounselling(
            kind="individual",
            held_on=pf.today(rt),
            psychologist=pf.PSYCHOLOGIST,
            case_ids=(case_id,),
            follow_up_needed=True,
            actor=pf.PSYCHOLOGIST,
        ),
    )
    work_off(rt, publisher)
    pf.close_case(rt, case_id, actor="manager", reason="")
    [reminder] = [
        r
        for r in reminders.list_reminders(rt, case_id=case_id)
        if r["kind"] == "counselling_follow_up"
    ]
    assert reminder["cancel_reason"] == "case_closed"  # a code, not a sentence
    b = browser("manager")
    page = b.get(f"/cases/{case_id}").text
    assert page.count("դեպքը փակված է") >= 2  # the reminder, and the timeline's entry
    assert "case closed" not in page and "case_closed" not in page
    in_english(b)
    page = b.get(f"/cases/{case_id}").text
    assert page.count("the case is closed") >= 2


def test_older_rows_with_an_english_reason_are_translated_too():
    from web.shared.i18n import use_language
    from web.shared.labels import reason

    with use_language("hy"):
        assert reason("enrolment decided") == "ընդգրկման հարցը որոշված է"
        assert reason("follow-up session recorded") == "հաջորդ հանդիպումը գրանցված է"
        assert reason("Ընտանիքը տեղափոխվել է") == "Ընտանիքը տեղափոխվել է"  # typed: as typed


def test_the_system_is_named_not_shown_as_its_username(browser, rt, publisher):
    case_id = pf.case_in(rt, "enrolled")
    work_off(rt, publisher)  # the enrolment referral, created by the programme itself
    page = browser("manager").get(f"/cases/{case_id}").text
    assert "· Հոգատար" in page and "· hogatar" not in page


def test_a_label_from_the_configuration_follows_each_pages_language(browser, rt):
    """Jinja computes a filter of a constant once, at compile time: the language of the
    first page rendered stayed on the label for every reader after."""
    templating.environment.cache_clear()
    case_id = pf.case_in(rt, "assessed")
    b = browser(pf.SOCIAL_WORKER)
    assert "Մանկալքության վտանգ:" in b.get(f"/cases/{case_id}").text  # compiled in Armenian
    in_english(b)
    page = b.get(f"/cases/{case_id}").text
    assert "Risk of child abandonment:</strong> yes" in page
    assert "Մանկալքության" not in page
