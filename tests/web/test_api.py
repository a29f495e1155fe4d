"""The JSON API over real HTTP (uvicorn on a free port): login, the case's lifecycle,
and errors as RFC 9457 problem details."""

from __future__ import annotations

import httpx
import pytest

from tests import programme_fixtures as pf
from tests.web.conftest import PASSWORD

PROBLEM = "application/problem+json"


def login(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=10)
    response = client.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def assert_problem(response: httpx.Response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["type"] == f"urn:hogatar:problem:{kind}"
    assert body["title"] and body["detail"] and body["instance"]
    return body


def test_health_needs_no_login_and_the_rest_does(live_server):
    assert httpx.get(live_server + "/api/v1/health").json() == {"status": "ok"}
    assert_problem(httpx.get(live_server + "/api/v1/cases"), 401, "login-required")


def test_login_failures_are_problems(live_server):
    response = httpx.post(
        live_server + "/api/v1/login", json={"username": "manager", "password": "nope nope"}
    )
    assert_problem(response, 401, "login-failed")


def test_a_post_without_the_csrf_header_is_refused(live_server):
    client = login(live_server, "manager")
    del client.headers["X-CSRF-Token"]
    assert_problem(
        client.post("/api/v1/cases/1/transitions", json={"trigger": "assess"}), 403, "csrf"
    )


def test_the_whole_lifecycle_over_http(live_server):
    worker = login(live_server, pf.SOCIAL_WORKER)
    family = {
        "family_name": "Հովհաննիսյան",
        "community": "Աբովյան",
        "phone": "+374 94 555666",
        "members": [
            {"role": "mother", "full_name": "Լիլիթ Հովհաննիսյան", "date_of_birth": "1988-05-05"},
            {"role": "child", "full_name": "Դավիթ Հովհաննիսյան", "date_of_birth": "2015-03-01"},
        ],
        "consent": {"purpose": "Ծրագրին մասնակցություն", "given_on": "2026-01-05"},
    }
    created = worker.post("/api/v1/families", json=family)
    assert created.status_code == 201, created.text
    case_id = created.json()["case_id"]

    blocked = worker.post(f"/api/v1/cases/{case_id}/transitions", json={"trigger": "assess"})
    body = assert_problem(blocked, 422, "requirements-unmet")
    assert body["unmet"] == ["record an assessment of the family"]
    assert body["requirements"] == [
        {"code": "assessment_recorded", "message": "record an assessment of the family"}
    ]

    steps = [
        (
            "assessments",
            {
                "assessor": pf.SOCIAL_WORKER,
                "assessed_on": "2026-01-10",
                "risk_of_abandonment": True,
                "risk_description": "Ծանր վիճակ",
                "criteria": ["extreme_poverty"],
            },
        ),
        ("transitions", {"trigger": "assess"}),
        ("transitions", {"trigger": "enrol"}),
        ("assignment", {"social_worker": pf.SOCIAL_WORKER, "psychologist": pf.PSYCHOLOGIST}),
        (
            "services",
            {
                "service": "vocational_training",
                "target_date": "2026-03-01",
                "provider_partner": "Քոլեջ",
            },
        ),
        ("transitions", {"trigger": "start_services"}),
        (
            "counselling",
            {"kind": "individual", "psychologist": pf.PSYCHOLOGIST, "held_on": "2026-01-12"},
        ),
    ]
    for path, payload in steps:
        response = worker.post(f"/api/v1/cases/{case_id}/{path}", json=payload)
        assert response.status_code in (200, 201), (path, response.text)
    case = worker.get(f"/api/v1/cases/{case_id}").json()
    assert case["state"] == "receiving_services"
    assert case["family"]["social_worker"] == pf.SOCIAL_WORKER
    assert [t["trigger"] for t in case["transitions"]] == ["stabilise", "close"]
    assert case["timeline"][0]["trigger"] == "record_counselling"
    effects = [e["name"] for event in case["timeline"] for e in event["effects"]]
    assert "procurement.request_goods" in effects

    # Closing is requested by the social worker (202: accepted, not done) and approved by
    # a manager; nobody approves their own request.
    close = {"trigger": "close", "closure_reason": "moved_away"}
    requested = worker.post(f"/api/v1/cases/{case_id}/transitions", json=close)
    assert requested.status_code == 202, requested.text
    assert requested.json()["awaiting"] == "manager"
    approval_id = requested.json()["approval_id"]
    assert worker.get(f"/api/v1/cases/{case_id}").json()["state"] == "receiving_services"
    refused = worker.post(f"/api/v1/approvals/{approval_id}/approve")
    assert (
        "cannot approve their own request"
        in assert_problem(refused, 422, "invalid-input")["detail"]
    )
    manager = login(live_server, "manager")
    [waiting] = manager.get("/api/v1/approvals", params={"mine": True}).json()["items"]
    assert (waiting["id"], waiting["case_id"]) == (approval_id, case_id)
    closed = manager.post(f"/api/v1/approvals/{approval_id}/approve")
    assert closed.status_code == 200 and closed.json()["to_state"] == "closed"
    listed = manager.get("/api/v1/cases", params={"state": "closed"}).json()
    assert [item["id"] for item in listed["items"]] == [case_id]


def test_validation_errors_name_their_fields(live_server):
    worker = login(live_server, pf.SOCIAL_WORKER)
    response = worker.post(
        "/api/v1/families",
        json={
            "family_name": " ",
            "community": "hrazdan",
            "members": [{"role": "child", "full_name": "Ա"}],
        },
    )
    body = assert_problem(response, 422, "validation")
    fields = {error["field"] for error in body["errors"]}
    assert {"family_name", "members[1].date_of_birth"} <= fields
    malformed = worker.post("/api/v1/families", json={"family_name": 5})
    assert_problem(malformed, 422, "validation")


def test_not_found_and_stale_versions(live_server, rt):
    worker = login(live_server, pf.SOCIAL_WORKER)
    assert_problem(worker.get("/api/v1/cases/424242"), 404, "not-found")
    case_id = pf.register(rt)
    pf.prepare(rt, case_id, "assess")
    stale = worker.post(
        f"/api/v1/cases/{case_id}/transitions", json={"trigger": "assess", "expected_version": 1}
    )
    body = assert_problem(stale, 409, "concurrent-update")
    assert body["expected_version"] == 1


def test_duplicates_are_reported_with_their_cases(live_server, rt):
    existing = pf.register(rt)
    worker = login(live_server, pf.SOCIAL_WORKER)
    family = {
        "family_name": "Սարգսյան",
        "community": "hrazdan",
        "members": [{"role": "child", "full_name": "Նարե Սարգսյան", "date_of_birth": "2016-09-01"}],
    }
    body = assert_problem(worker.post("/api/v1/families", json=family), 422, "possible-duplicate")
    assert body["case_ids"] == [existing]
    confirmed = worker.post("/api/v1/families", json={**family, "confirm_duplicate": True})
    assert confirmed.status_code == 201


def test_openapi_docs_are_behind_the_login(live_server):
    assert httpx.get(live_server + "/api/v1/openapi.json").status_code == 401
    client = login(live_server, "manager")
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/families" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("name", ["states", "communities", "criteria", "services"])
def test_reports_as_json(live_server, name):
    client = login(live_server, "manager")
    assert client.get(f"/api/v1/reports/{name}").status_code == 200
