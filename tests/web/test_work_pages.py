"""The pages of the background work in the browser's place (TestClient, SQLite): the
reminders inbox, the referrals board, the procurement queue, the case page's referrals,
reminders, procurement and activity, the dashboard counts and the budget report; with
permission refusals, 422 with field errors and the input kept, and CSRF."""

from __future__ import annotations

import re

import pytest

from tests import programme_fixtures as pf
from tests.web import work_fixtures as wf
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals as programme_referrals
from workflow.programme import reminders as programme_reminders

SECOND = {"family_name": "Ավագյան", "phone": "+374 91 000002"}
THIRD = {"family_name": "Բաբայան", "phone": "+374 91 000003"}


def referral_of(rt, case_id: int) -> dict:
    [found] = programme_referrals.list_referrals(rt, case_id=case_id)
    return found


def request_of(rt, request_id: int) -> dict:
    return next(r for r in programme_procurement.list_procurement(rt) if r["id"] == request_id)


# --- Reminders ---


def test_my_overdue_reminder_is_highlighted_and_acknowledged(browser, rt, publisher, clock):
    case_id, reminder_id = wf.reminded_case(rt, publisher, clock)
    worker = browser(pf.SOCIAL_WORKER)
    page = worker.get("/inbox").text
    row = re.search(rf'<tr class="([^"]*)" id="reminder-{reminder_id}"', page)
    assert row and "overdue" in row.group(1)
    assert "Ընդգրկման որոշման ժամկետ" in page  # the kind, in Armenian
    assert f'href="/cases/{case_id}"' in page and "Սարգսյան" in page
    assert "ժամկետանց" in page
    # The inbox item the reminder put there.
    assert 'class="inbox-enrolment_decision"' in page
    done = worker.post(f"/reminders/{reminder_id}/acknowledge", {"next": "/inbox"})
    assert done.status_code == 303 and done.headers["location"] == "/inbox?msg=acknowledged"
    after = worker.get(done.headers["location"]).text
    assert "Հիշեցումն ընդունված է ի գիտություն" in after
    assert "Ձեր մուտքայինները դատարկ են" in after  # acknowledging read the inbox item
    [reminder] = programme_reminders.list_reminders(rt, case_id=case_id)
    assert (reminder["status"], reminder["acknowledged_by"]) == ("acknowledged", pf.SOCIAL_WORKER)
    again = worker.post(f"/reminders/{reminder_id}/acknowledge")
    assert again.status_code == 422
    assert "Այս հիշեցումը ի գիտություն ընդունման չի սպասում" in again.text


def test_managers_see_and_acknowledge_the_teams_escalated_reminders(browser, rt, publisher, clock):
    case_id, reminder_id = wf.reminded_case(rt, publisher, clock, escalate=True)
    psychologist = browser(pf.PSYCHOLOGIST)
    assert f"reminder-{reminder_id}" not in psychologist.get("/inbox").text
    # Not theirs, and the case is outside their scope: as if it did not exist.
    refused = psychologist.post(f"/reminders/{reminder_id}/acknowledge")
    assert refused.status_code == 404
    manager = browser("manager")
    page = manager.get("/inbox").text
    assert "Թիմի ժամկետանց հիշեցումները" in page
    assert re.search(rf'<tr class="reminder-escalated overdue" id="reminder-{reminder_id}"', page)
    assert "Անահիտ Մարտիրոսյան" in page  # whose reminder it is
    assert 'class="inbox-reminder_escalation"' in page
    case_page = manager.get(f"/cases/{case_id}").text
    assert f"/reminders/{reminder_id}/acknowledge" in case_page
    done = manager.post(
        f"/reminders/{reminder_id}/acknowledge", {"next": f"/cases/{case_id}#reminders"}
    )
    assert done.headers["location"] == f"/cases/{case_id}?msg=acknowledged#reminders"
    [reminder] = programme_reminders.list_reminders(rt, case_id=case_id)
    assert (reminder["status"], reminder["acknowledged_by"]) == ("acknowledged", "manager")


def test_unknown_reminder_is_404_and_forms_need_the_csrf_token(browser, rt, publisher, clock):
    _, reminder_id = wf.reminded_case(rt, publisher, clock)
    worker = browser(pf.SOCIAL_WORKER)
    assert worker.post("/reminders/424242/acknowledge").status_code == 404
    for path, data in (
        (f"/reminders/{reminder_id}/acknowledge", {}),
        ("/referrals/1/respond", {"response": "accepted"}),
        ("/procurement/1/approve", {}),
        ("/cases/1/forms/referral", {"partner": "vocational_ngo", "purpose": "x"}),
    ):
        response = worker.client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, path
        assert "Ձևի ժամկետն անցել է" in response.text
    assert programme_reminders.list_reminders(rt)[0]["status"] == "sent"


# --- Referrals ---


def test_a_referral_from_the_case_page_through_the_board(browser, rt, publisher):
    case_id = pf.case_in(rt, "receiving_services")
    wf.work_off(rt, publisher)
    worker = browser(pf.SOCIAL_WORKER)
    case_page = worker.get(f"/cases/{case_id}").text
    assert f'action="/cases/{case_id}/forms/referral"' in case_page
    assert "Հրազդանի բժշկական կենտրոն" in case_page  # partners by their Armenian names
    created = worker.post(
        f"/cases/{case_id}/forms/referral",
        {"partner": "hrazdan_medical_centre", "purpose": "Ատամնաբուժական բուժում"},
    )
    assert created.headers["location"] == f"/cases/{case_id}?msg=referred#referrals"
    queued = worker.get(created.headers["location"]).text
    assert "Ուղեգրումը հերթում է" in queued and "Ատամնաբուժական բուժում" in queued
    wf.work_off(rt, publisher)
    [referral] = [
        r
        for r in programme_referrals.list_referrals(rt, case_id=case_id)
        if r["purpose"].startswith("Ատ")
    ]
    assert referral["status"] == "sent"
    case_page = worker.get(f"/cases/{case_id}").text
    assert "Ուղեգրումն ուղարկվեց գործընկերոջը" in case_page  # the activity on the timeline
    board = worker.get("/referrals?status=sent").text
    sent = board[board.index(f'id="referral-{referral["id"]}"') :]
    assert "Հրազդանի բժշկական կենտրոն" in sent and f'href="/cases/{case_id}"' in sent
    answered = worker.post(
        f"/referrals/{referral['id']}/respond",
        {"response": "acknowledged", "next": f"/referrals?status=sent#referral-{referral['id']}"},
    )
    assert answered.headers["location"] == (
        f"/referrals?status=sent&msg=answered#referral-{referral['id']}"
    )
    # Declined without the partner's reason: the referral's page, the problem beside it.
    refused = worker.post(
        f"/referrals/{referral['id']}/respond",
        {"response": "declined", "reason": " ", "next": "/referrals"},
    )
    assert refused.status_code == 422
    assert 'id="f-reason-error"' in refused.text
    assert "Մերժված ուղեգրման համար անհրաժեշտ է գործընկերոջ նշած պատճառը" in refused.text
    assert re.search(r'<option value="declined"\s+selected', refused.text)  # input kept
    declined = worker.post(
        f"/referrals/{referral['id']}/respond",
        {"response": "declined", "reason": "Տեղ չկա", "next": "/referrals"},
    )
    assert declined.status_code == 303
    referral = next(r for r in programme_referrals.list_referrals(rt) if r["id"] == referral["id"])
    assert (referral["status"], referral["decline_reason"]) == ("declined", "Տեղ չկա")
    worker.post("/language", {"language": "en", "next": "/referrals"})
    english = worker.get("/referrals").text
    assert "Hrazdan medical centre" in english and "declined" in english


def test_completing_a_referral_needs_feedback_and_keeps_what_was_typed(browser, rt, publisher):
    case_id = wf.referred_case(rt, publisher)
    referral = referral_of(rt, case_id)
    worker = browser(pf.SOCIAL_WORKER)
    worker.post(f"/referrals/{referral['id']}/respond", {"response": "accepted"})
    page = worker.get(f"/referrals/{referral['id']}").text
    assert re.search(r'<option value="completed"', page) and "f-feedback" in page
    refused = worker.post(
        f"/referrals/{referral['id']}/respond", {"response": "completed", "feedback": ""}
    )
    assert refused.status_code == 422 and 'id="f-feedback-error"' in refused.text
    wrong = worker.post(f"/referrals/{referral['id']}/respond", {"response": "acknowledged"})
    assert wrong.status_code == 422
    assert "Այս պատասխանը չի համապատասխանում ուղեգրման ներկայիս կարգավիճակին" in wrong.text
    completed = worker.post(
        f"/referrals/{referral['id']}/respond",
        {"response": "completed", "feedback": "Աջակցությունը տրամադրված է"},
    )
    assert completed.headers["location"] == f"/referrals/{referral['id']}?msg=answered"
    assert referral_of(rt, case_id)["status"] == "completed"


def test_a_refused_referral_form_keeps_the_input(browser, rt, publisher):
    case_id = pf.case_in(rt, "enrolled")
    worker = browser(pf.SOCIAL_WORKER)
    assert worker.get(f"/cases/{case_id}/forms/referral").status_code == 200
    missing = worker.post(f"/cases/{case_id}/forms/referral", {"purpose": "Բուժում"})
    assert missing.status_code == 422
    assert 'id="f-partner-error"' in missing.text and ">Բուժում</textarea>" in missing.text
    unknown = worker.post(
        f"/cases/{case_id}/forms/referral", {"partner": "nobody", "purpose": "Բուժում"}
    )
    assert unknown.status_code == 422
    assert "Ընտրեք գործընկեր կազմակերպություն ցանկից" in unknown.text
    no_purpose = worker.post(f"/cases/{case_id}/forms/referral", {"partner": "vocational_ngo"})
    assert no_purpose.status_code == 422 and 'id="f-purpose-error"' in no_purpose.text
    assert programme_referrals.list_referrals(rt, case_id=case_id) == []


def test_who_may_see_and_answer_referrals(browser, rt, publisher):
    case_id = wf.referred_case(rt, publisher)
    referral = referral_of(rt, case_id)
    pf.assign_psychologist(rt, case_id)  # the family's psychologist reads its referrals
    psychologist = browser(pf.PSYCHOLOGIST)
    board = psychologist.get("/referrals").text
    assert f'id="referral-{referral["id"]}"' in board
    assert "/respond" not in board  # read-only
    assert "forms/referral" not in psychologist.get(f"/cases/{case_id}").text
    assert (
        psychologist.post(f"/referrals/{referral['id']}/respond", {"response": "accepted"})
    ).status_code == 403
    assert psychologist.post(f"/cases/{case_id}/forms/referral", {}).status_code == 403
    officer = browser("procurement")
    assert officer.get("/referrals").status_code == 403
    assert officer.get(f"/referrals/{referral['id']}").status_code == 403
    manager = browser("manager")
    assert manager.get("/referrals/424242").status_code == 404
    assert manager.get(f"/referrals?case={case_id}").status_code == 200


# --- Procurement ---


def test_above_the_second_approval_amount_another_person_approves_too(browser, rt, publisher):
    _, request_id = wf.goods_requested(rt, publisher)
    officer = browser("procurement")
    first = officer.post(f"/procurement/{request_id}/approve", {"amount_amd": "250 000"})
    assert first.headers["location"] == f"/procurement/{request_id}?msg=approved_once"
    assert request_of(rt, request_id)["status"] == "requested"
    again = officer.post(f"/procurement/{request_id}/approve", {})
    assert again.status_code == 422 and request_of(rt, request_id)["status"] == "requested"
    second = browser("manager").post(f"/procurement/{request_id}/approve", {})
    assert second.headers["location"] == f"/procurement/{request_id}?msg=approved"
    assert request_of(rt, request_id)["status"] == "approved"


def test_a_request_approved_ordered_and_received(browser, rt, publisher):
    case_id, request_id = wf.goods_requested(rt, publisher)
    officer = browser("procurement")
    queue = officer.get("/procurement?status=requested").text
    requested = queue[queue.index('id="results"') : queue.index('id="orders"')]
    assert f'id="request-{request_id}"' in requested and "45\xa0000 ֏" in requested
    assert f"Դեպք {case_id}" in requested and f'href="/cases/{case_id}"' not in requested
    approved = officer.post(
        f"/procurement/{request_id}/approve",
        {"amount_amd": "40 000", "next": f"/procurement?status=requested#request-{request_id}"},
    )
    assert approved.headers["location"] == (
        f"/procurement?status=requested&msg=approved#request-{request_id}"
    )
    assert (request_of(rt, request_id)["status"], request_of(rt, request_id)["amount_amd"]) == (
        "approved",
        40_000,
    )
    assert officer.post(f"/procurement/{request_id}/order").status_code == 303
    wf.work_off(rt, publisher)  # the purchase order is mailed
    queue = officer.get("/procurement").text
    [order] = programme_procurement.list_purchase_orders(rt)
    assert "Hrazdan Stationery LLC" in queue and f'href="/procurement/{request_id}"' in queue
    assert order["sent_at"] and f"Գնման պատվեր {order['id']}" in queue
    refused = officer.post(f"/procurement/{request_id}/deliver", {"delivered_on": "31.02.2026"})
    assert refused.status_code == 422 and 'id="f-delivered_on-error"' in refused.text
    assert 'value="31.02.2026"' in refused.text
    future = officer.post(f"/procurement/{request_id}/deliver", {"delivered_on": "2026-01-20"})
    assert future.status_code == 422 and "Այս ամսաթիվը ապագայում է" in future.text
    received = officer.post(f"/procurement/{request_id}/deliver", {"delivered_on": "2026-01-14"})
    assert received.headers["location"] == f"/procurement/{request_id}?msg=received"
    assert request_of(rt, request_id)["status"] == "delivered"
    case_page = browser("manager").get(f"/cases/{case_id}").text
    assert "14.01.2026" in case_page and "40\xa0000 ֏" in case_page  # the service's delivery
    budget = officer.get("/procurement").text
    assert "5\xa0960\xa0000 ֏" in budget  # school supplies: 6 000 000 less 40 000


def test_over_budget_refusals_say_by_how_much(browser, rt, publisher):
    _, request_id = wf.goods_requested(rt, publisher)
    manager = browser("manager")
    over_line = manager.post(f"/procurement/{request_id}/approve", {"amount_amd": "7 000 000"})
    assert over_line.status_code == 422
    page = over_line.text
    assert "Բյուջեն գերազանցված է 1\xa0000\xa0000 ֏-ով" in page  # at the top
    assert 'id="f-amount_amd-error"' in page  # beside the amount, with the figures
    assert "6\xa0000\xa0000 ֏" in page and "7\xa0000\xa0000 ֏" in page
    assert 'value="7 000 000"' in page  # what was typed is kept
    over_family = manager.post(f"/procurement/{request_id}/approve", {"amount_amd": "500000"})
    assert over_family.status_code == 422
    assert "Մեկ ընտանիքի սահմանաչափը գերազանցված է" in over_family.text
    assert "400\xa0000 ֏" in over_family.text and "100\xa0000 ֏-ով" in over_family.text
    assert request_of(rt, request_id)["status"] == "requested"


def test_cancelling_needs_a_reason_and_a_cancelled_request_cannot_be_approved(
    browser, rt, publisher
):
    _, request_id = wf.goods_requested(rt, publisher)
    officer = browser("procurement")
    refused = officer.post(f"/procurement/{request_id}/cancel", {"reason": ""})
    assert refused.status_code == 422 and 'id="f-reason-error"' in refused.text
    cancelled = officer.post(
        f"/procurement/{request_id}/cancel", {"reason": "Ընտանիքը տեղափոխվել է"}
    )
    assert cancelled.status_code == 303
    assert request_of(rt, request_id)["status"] == "cancelled"
    late = officer.post(f"/procurement/{request_id}/approve", {})
    assert late.status_code == 422
    assert "Գնման հայտի կարգավիճակը թույլ չի տալիս այս գործողությունը" in late.text
    assert officer.post(f"/procurement/{request_id}/nonsense", {}).status_code == 404
    assert officer.get("/procurement/424242").status_code == 404


def test_who_may_see_and_act_on_procurement(browser, rt, publisher):
    case_id, request_id = wf.goods_requested(rt, publisher)
    worker = browser(pf.SOCIAL_WORKER)
    queue = worker.get("/procurement")
    assert queue.status_code == 200 and f'id="request-{request_id}"' in queue.text
    assert "/approve" not in queue.text  # read-only
    assert "/approve" not in worker.get(f"/cases/{case_id}").text
    for action in ("approve", "order", "deliver", "cancel"):
        assert worker.post(f"/procurement/{request_id}/{action}", {}).status_code == 403
    psychologist = browser(pf.PSYCHOLOGIST)
    assert psychologist.get("/procurement").status_code == 403
    assert 'href="/procurement"' not in psychologist.get("/").text
    assert request_of(rt, request_id)["status"] == "requested"


# --- Dashboard, reports, case page ---


def test_the_dashboard_counts_what_waits_and_links_to_it(browser, rt, publisher, clock):
    wf.reminded_case(rt, publisher, clock, escalate=True)
    wf.referred_case(rt, publisher, **SECOND)
    wf.goods_requested(rt, publisher, **THIRD)
    manager = browser("manager").get("/").text

    def figure(link: str) -> str:
        found = re.search(rf'<a href="{re.escape(link)}"[^>]*>(\d+)</a>', manager)
        assert found, link
        return found.group(1)

    assert figure("/inbox#h-team") == "1"
    # The enrolled and the receiving-services cases were both referred on enrolment.
    assert figure("/referrals#status-sent") == "2"
    assert figure("/procurement#status-requested") == "1"
    psychologist = browser(pf.PSYCHOLOGIST).get("/").text
    assert 'href="/inbox#h-open" id="overdue-reminders-link">0<' in psychologist  # none of theirs
    assert "/procurement#status-requested" not in psychologist
    officer = browser("procurement").get("/").text
    assert "/referrals#status-sent" not in officer and "/procurement#status-requested" in officer


def test_the_budget_chart_and_its_csv(browser, rt, publisher):
    _, request_id = wf.goods_requested(rt, publisher)
    manager = browser("manager")
    manager.post(f"/procurement/{request_id}/approve", {})
    reports = manager.get("/reports").text
    assert "Գնումների ամրագրված գումարները՝ բյուջեի համեմատ" in reports
    assert 'class="chart-budget"' in reports and "45\xa0000 ֏ / 6\xa0000\xa0000 ֏" in reports
    csv = manager.get("/reports/procurement-budget.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0] == "budget_line,name_en,name_hy,budget_amd,committed_amd,remaining_amd"
    assert lines[1].startswith("school_supplies,") and lines[1].endswith(",6000000,45000,5955000")


def test_the_case_page_shows_its_background_work_in_the_timeline(browser, rt, publisher):
    case_id = wf.referred_case(rt, publisher)
    referral = referral_of(rt, case_id)
    page = browser("manager").get(f"/cases/{case_id}").text
    timeline = page[page.index('id="timeline"') :]
    sent = timeline.index("Ուղեգրումն ուղարկվեց գործընկերոջը")
    enrolled = timeline.index("Ընդգրկել ծրագրում")
    assert sent < enrolled  # newest first: the mail went out after the enrolment
    # The activity carries the effect that did it, with its status and Flower link.
    [send] = [
        fx
        for fx in effect_view(rt, case_id)
        if fx["name"] == "referrals.send" and fx["status"] == "done"
    ]
    entry = timeline[sent : timeline.index("</li>", sent)]
    assert f"/task/outbox-{send['id']}" in entry and "կատարված" in entry
    assert f'href="/referrals/{referral["id"]}"' in entry
    section = page[page.index('id="referrals"') : page.index('id="reminders"')]
    assert "Միասնական սոցիալական ծառայությունների տարածքային կենտրոն, Հրազդան" in section


def effect_view(rt, case_id: int) -> list[dict]:
    from workflow import queries

    view = queries.case_view(rt, case_id=case_id)
    events = [fx for event in view["timeline"] for fx in event["effects"]]
    return events + view["background_effects"]


@pytest.mark.parametrize("path", ["/inbox", "/referrals", "/procurement"])
def test_the_new_pages_are_in_the_menu(browser, path):
    page = browser("manager").get(path)
    assert page.status_code == 200
    assert f'<a href="{path}" aria-current="page">' in page.text
