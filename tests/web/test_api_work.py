"""The JSON API of the background work over real HTTP: referrals, reminders and the inbox,
procurement; refusals as RFC 9457 problem details (403, 404, 422 with fields, over
budget with the amount)."""

from __future__ import annotations

from tests import programme_fixtures as pf
from tests.web import work_fixtures as wf
from tests.web.test_api import assert_problem, login


def test_referrals_over_http(live_server, rt, publisher):
    case_id = wf.referred_case(rt, publisher)  # the enrolment's own referral, sent
    worker = login(live_server, pf.SOCIAL_WORKER)
    partners = worker.get("/api/v1/partners").json()
    assert {"code": "vocational_ngo", "name_en": "Vocational training NGO, Abovyan"}.items() <= {
        **next(p for p in partners if p["code"] == "vocational_ngo")
    }.items()
    created = worker.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={"partner": "vocational_ngo", "purpose": "Կարի դասընթաց"},
    )
    assert created.status_code == 201, created.text
    referral_id = created.json()["referral_id"]
    assert created.json() == {"referral_id": referral_id, "case_id": case_id}
    wf.work_off(rt, publisher)
    listed = worker.get("/api/v1/referrals", params={"case_id": case_id, "status": "sent"})
    items = listed.json()["items"]  # one page, as the caseload's
    assert referral_id in [r["id"] for r in items] and len(items) == 2
    body = assert_problem(
        worker.post(f"/api/v1/referrals/{referral_id}/responses", json={"response": "declined"}),
        422,
        "validation",
    )
    assert [e["field"] for e in body["errors"]] == ["reason"]
    assert_problem(
        worker.post(f"/api/v1/referrals/{referral_id}/responses", json={"response": "completed"}),
        422,
        "invalid-input",
    )
    accepted = worker.post(
        f"/api/v1/referrals/{referral_id}/responses", json={"response": "accepted"}
    )
    assert accepted.json() == {"referral_id": referral_id, "status": "accepted"}
    assert worker.get(f"/api/v1/referrals/{referral_id}").json()["status"] == "accepted"
    assert_problem(worker.get("/api/v1/referrals/424242"), 404, "not-found")
    psychologist = login(live_server, pf.PSYCHOLOGIST)
    assert psychologist.get("/api/v1/referrals").status_code == 200
    assert_problem(
        psychologist.post(
            f"/api/v1/cases/{case_id}/referrals", json={"partner": "vocational_ngo", "purpose": "x"}
        ),
        403,
        "forbidden",
    )
    case = worker.get(f"/api/v1/cases/{case_id}").json()
    assert {"referral_created", "referral_sent", "referral_accepted"} <= {
        a["kind"] for a in case["activities"]
    }
    assert any(fx["name"] == "referrals.send" for fx in case["background_effects"])
    assert [r["id"] for r in case["referrals"] if r["purpose"] == "Կարի դասընթաց"] == [referral_id]


def test_reminders_and_the_inbox_over_http(live_server, rt, publisher, clock):
    case_id, reminder_id = wf.reminded_case(rt, publisher, clock, escalate=True)
    worker = login(live_server, pf.SOCIAL_WORKER)
    mine = worker.get("/api/v1/reminders").json()
    assert [(r["id"], r["status"], r["overdue"]) for r in mine] == [
        (reminder_id, "escalated", True)
    ]
    assert_problem(
        worker.get("/api/v1/reminders", params={"recipient": "manager"}), 403, "forbidden"
    )
    psychologist = login(live_server, pf.PSYCHOLOGIST)
    assert psychologist.get("/api/v1/reminders").json() == []
    # Not theirs, and the case is outside their scope: as if it did not exist.
    assert_problem(
        psychologist.post(f"/api/v1/reminders/{reminder_id}/acknowledge"), 404, "not-found"
    )
    manager = login(live_server, "manager")
    everyone = manager.get("/api/v1/reminders", params={"status": "escalated"}).json()
    assert [r["recipient"] for r in everyone] == [pf.SOCIAL_WORKER]
    assert [i["kind"] for i in manager.get("/api/v1/inbox").json()] == ["reminder_escalation"]
    assert manager.get("/api/v1/dashboard").json()["overdue_reminders"] == 1
    done = manager.post(f"/api/v1/reminders/{reminder_id}/acknowledge")
    assert done.json() == {"reminder_id": reminder_id, "status": "acknowledged"}
    assert manager.get("/api/v1/inbox").json() == []
    assert_problem(
        manager.post(f"/api/v1/reminders/{reminder_id}/acknowledge"), 422, "invalid-input"
    )
    assert_problem(manager.post("/api/v1/reminders/424242/acknowledge"), 404, "not-found")
    assert manager.get("/api/v1/dashboard").json()["overdue_reminders"] == 0


def test_procurement_over_http(live_server, rt, publisher):
    case_id, request_id = wf.goods_requested(rt, publisher)
    worker = login(live_server, pf.SOCIAL_WORKER)
    assert [r["id"] for r in worker.get("/api/v1/procurement").json()["items"]] == [request_id]
    assert_problem(worker.post(f"/api/v1/procurement/{request_id}/approve"), 403, "forbidden")
    officer = login(live_server, "procurement")
    # The dashboard's figures as their page shows them: procurement, not the families'.
    dashboard = officer.get("/api/v1/dashboard").json()
    assert dashboard["awaiting_approval"] == 1 and dashboard["awaiting_answer"] is None
    over = assert_problem(
        officer.post(f"/api/v1/procurement/{request_id}/approve", json={"amount_amd": 6_500_000}),
        422,
        "over-budget",
    )
    assert over["over_by_amd"] == 500_000 and "500 000 AMD" in over["detail"]
    ceiling = assert_problem(
        officer.post(f"/api/v1/procurement/{request_id}/approve", json={"amount_amd": 450_000}),
        422,
        "over-family-ceiling",
    )
    assert ceiling["over_by_amd"] == 50_000
    bad = assert_problem(
        officer.post(f"/api/v1/procurement/{request_id}/approve", json={"amount_amd": -5}),
        422,
        "validation",
    )
    assert [e["field"] for e in bad["errors"]] == ["amount_amd"]
    approved = officer.post(f"/api/v1/procurement/{request_id}/approve")
    assert approved.json() == {
        "request_id": request_id,
        "status": "approved",
        "purchase_order_id": None,
        "awaiting_second_approval": False,  # within HOGATAR_PROCUREMENT_SECOND_APPROVAL_AMD
    }
    ordered = officer.post(f"/api/v1/procurement/{request_id}/order").json()
    assert ordered["status"] == "ordered" and ordered["purchase_order_id"]
    assert_problem(
        officer.post(f"/api/v1/procurement/{request_id}/cancel", json={"reason": "late"}),
        422,
        "invalid-input",
    )
    received = officer.post(
        f"/api/v1/procurement/{request_id}/deliver", json={"delivered_on": "2026-01-14"}
    )
    assert received.json()["status"] == "delivered"
    assert officer.get(f"/api/v1/procurement/{request_id}").json()["status"] == "delivered"
    [order] = officer.get("/api/v1/procurement/orders").json()
    assert order["request_ids"] == [request_id]
    lines = {b["budget_line"]: b for b in officer.get("/api/v1/procurement/budget").json()}
    assert lines["school_supplies"]["committed_amd"] == 45_000
    assert_problem(officer.get("/api/v1/procurement/424242"), 404, "not-found")
    assert login(live_server, pf.PSYCHOLOGIST).get("/api/v1/procurement").status_code == 403


def test_the_background_work_is_in_the_openapi_docs(live_server):
    schema = login(live_server, "manager").get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/referrals",
        "/api/v1/cases/{case_id}/referrals",
        "/api/v1/referrals/{referral_id}/responses",
        "/api/v1/reminders",
        "/api/v1/reminders/{reminder_id}/acknowledge",
        "/api/v1/inbox",
        "/api/v1/procurement",
        "/api/v1/procurement/{request_id}/approve",
        "/api/v1/procurement/{request_id}/order",
        "/api/v1/procurement/{request_id}/deliver",
        "/api/v1/procurement/{request_id}/cancel",
        "/api/v1/procurement/budget",
        "/api/v1/procurement/orders",
    ):
        assert path in schema["paths"], path
    assert {"referrals", "reminders", "procurement"} <= {
        tag for item in schema["paths"].values() for op in item.values() for tag in op["tags"]
    }
