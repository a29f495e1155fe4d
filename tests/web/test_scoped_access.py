"""Scoped access, door by door: every route of the app × every role × a case of the
reader's own, a colleague's case of the reader's community, and a case elsewhere.

The rule (README "Access rules"): a social worker changes their own cases and reads the
open cases of their communities; a psychologist the cases they are assigned to or
counsel; managers and admins every case (or, configured so, a manager their
communities'); procurement officers procurement, never a family's file. Outside the
scope a case is not there: the answer for its page, its referral, its reminder, ... is
exactly the answer for an id that never existed, and nothing changes. Inside it, the
door opens (never a 404), and a case the reader may only read is not changed by any
POST. Lists, searches and exports never show a family outside the scope.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from tests import programme_fixtures as pf
from tests.documents_fixtures import tiny_pdf
from tests.web.test_routes import routes
from tests.web.work_fixtures import work_off
from workflow.approval_requests import pending_approvals
from workflow.commands import AdvanceCase
from workflow.persistence.models import CaseRow, IncidentRow, OutboxRow
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals as programme_referrals
from workflow.programme import reminders as programme_reminders
from workflow.programme.families import AssignCase
from workflow.programme.plans import PlannedServiceRow, PlanService
from workflow.programme.reminders import SweepReminders
from workflow.programme.staff import SetStaffCommunities
from workflow.programme.staff import scope as staff_scope
from workflow.scoping import case_bound_classes
from workflow.services import handle

COLLEAGUE = pf.COLLEAGUE
#: Family names unique on every page, so a list that shows a family is seen to.
NAMES = {"own": "Ավետիքյան", "community": "Բաբայան", "other": "Գալստյան"}
PLACES = {"own": "abovyan", "community": "hrazdan", "other": "charentsavan"}
#: Who reads (r) and changes (w) which case; "" is outside the scope.
RULE = {
    "admin": {"own": "rw", "community": "rw", "other": "rw"},
    "manager": {"own": "rw", "community": "rw", "other": "rw"},
    pf.SOCIAL_WORKER: {"own": "rw", "community": "r", "other": ""},
    pf.PSYCHOLOGIST: {"own": "rw", "community": "", "other": ""},
    # Procurement rows are not scoped; the family pages are closed by role (403 for any id).
    "procurement": {"own": "rw", "community": "rw", "other": "rw"},
}
#: A manager scoped to their communities (privacy.toml [scope] manager = "communities").
COMMUNITY_MANAGER_RULE = {"own": "", "community": "rw", "other": ""}
NEVER = 999_999
#: Path parameters that name a step, a form or a decision rather than a record.
WORDS = {"trigger": "stabilise", "name": "counselling", "decision": "approve", "action": "approve"}
#: Routes no staff member's scope applies to: the partner's page opens by its signed link
#: alone (tests/web/test_partner_links.py), a report is counts (checked below).
NOT_CASE_ROUTES = {"/partners/referrals/{referral_id}/{token}", "/reports/{name}.csv"}
NOT_CASE_ROUTES |= {"/api/v1/reports/{name}"}
#: GET pages that are not lists of case data (or that log out).
NOT_LISTS = {"/logout", "/health", "/api/v1/health", "/login", "/api/docs", "/api/openapi.json"}
#: JSON bodies that get an API call past validation to the record it names.
BODIES: dict[str, dict[str, Any]] = {
    "/api/v1/cases/{case_id}/transitions": {"trigger": "stabilise"},
    "/api/v1/cases/{case_id}/assignment": {"social_worker": COLLEAGUE},
    "/api/v1/referrals/{referral_id}/responses": {"status": "acknowledged"},
    "/api/v1/services/{service_id}/cancel": {"reason": "Ընտանիքը հրաժարվեց"},
    "/api/v1/approvals/{approval_id}/reject": {"reason": "Դեռ վաղ է"},
    "/api/v1/cases/{case_id}/family": {"address": "Փորձ"},
    "/api/v1/cases/{case_id}/members/{member_id}": {"full_name": "Փորձ Փորձյան"},
}


def _fingerprint(rt) -> str:
    """Every case-bound row (but the access log, which records the views themselves)."""
    digest = hashlib.sha256()
    with rt.engine.connect() as connection:
        for cls, _ in case_bound_classes():
            table = cls.__table__
            if table.name == "access_log":
                continue
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
        for row in connection.execute(select(CaseRow.__table__).order_by(CaseRow.id)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def build_scene(rt, publisher, clock, browser) -> dict[str, dict[str, int]]:
    """Three families, each with a referral, goods requested, a planned service, a
    reminder, a note, a document, an incident and a closing request: the objects of
    every route."""
    pf.with_colleague(rt, "hrazdan")
    handle(rt, SetStaffCommunities(username="manager", communities=("hrazdan",), actor="t"))
    cases: dict[str, int] = {}
    for number, (kind, name) in enumerate(NAMES.items(), 1):
        owner = pf.SOCIAL_WORKER if kind == "own" else COLLEAGUE
        case_id = pf.register(
            rt,
            actor=owner,
            family_name=name,
            community=PLACES[kind],
            phone=f"+374 91 70000{number}",
        )
        if kind == "own":
            handle(rt, AssignCase(case_id=case_id, actor="t", psychologist=pf.PSYCHOLOGIST))
        pf.bring_to(rt, case_id, "assessed")
        cases[kind] = case_id
    work_off(rt, publisher)
    clock.advance(timedelta(days=8))  # the enrolment decisions are overdue: reminders
    handle(rt, SweepReminders())
    work_off(rt, publisher)
    objects: dict[str, dict[str, int]] = {}
    for kind, case_id in cases.items():
        owner = pf.SOCIAL_WORKER if kind == "own" else COLLEAGUE
        pf.consent(rt, case_id)
        handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor=owner))
        handle(
            rt,
            PlanService(
                case_id=case_id,
                actor=owner,
                service="school_supplies",
                target_date=pf.today(rt) + timedelta(days=20),
                provider_staff=owner,
            ),
        )
        handle(rt, AdvanceCase(case_id=case_id, trigger="start_services", actor=owner))
        work_off(rt, publisher)
        objects[kind] = {"case_id": case_id}
    admin = browser("admin")  # logged in after the clock moved: a fresh session
    for kind, case_id in cases.items():
        ids = objects[kind]
        [referral] = programme_referrals.list_referrals(rt, case_id=case_id)[:1]
        ids["referral_id"] = int(referral["id"])
        [request] = programme_procurement.list_procurement(rt, case_id=case_id)[:1]
        ids["request_id"] = int(request["id"])
        [reminder] = programme_reminders.list_reminders(rt, case_id=case_id)[:1]
        ids["reminder_id"] = int(reminder["id"])
        with rt.session_factory() as session:
            ids["service_id"] = session.scalars(
                select(PlannedServiceRow.id).where(PlannedServiceRow.case_id == case_id)
            ).first()
        ids["member_id"] = pf.first_member(rt, case_id)
        written = admin.client.post(
            f"/api/v1/cases/{case_id}/notes",
            json={
                "kind": "observation",
                "text": f"Այց {NAMES[kind]} ընտանիքին",
                "noted_on": pf.today(rt).isoformat(),
            },
            headers={"X-CSRF-Token": admin.csrf},
        )
        assert written.status_code in (200, 201), written.text
        ids["note_id"] = int(written.json()["note_id"])
        attached = admin.client.post(
            f"/api/v1/cases/{case_id}/documents",
            data={"kind": "consent_form"},
            files={"file": ("consent.pdf", tiny_pdf(), "application/pdf")},
            headers={"X-CSRF-Token": admin.csrf},
        )
        assert attached.status_code == 201, attached.text
        ids["document_id"] = int(attached.json()["document_id"])
        goal = admin.client.post(
            f"/api/v1/cases/{case_id}/goals",
            json={"what": "Դպրոց", "by_when": pf.today(rt).isoformat()},
            headers={"X-CSRF-Token": admin.csrf},
        )
        assert goal.status_code == 201, goal.text
        ids["goal_id"] = int(goal.json()["id"])
        with rt.engine.begin() as connection:
            outbox = connection.scalar(
                select(OutboxRow.id).where(OutboxRow.case_id == case_id).limit(1)
            )
            ids["incident_id"] = connection.execute(
                insert(IncidentRow)
                .values(
                    outbox_id=outbox,
                    case_id=case_id,
                    effect="referrals.send",
                    error="SMTPServerDisconnected: test",
                    attempts=3,
                    status="open",
                    opened_at=rt.clock.now(),
                )
                .returning(IncidentRow.id)
            ).scalar_one()
        requested = handle(
            rt,
            AdvanceCase(
                case_id=case_id,
                trigger="close",
                actor=COLLEAGUE if kind != "own" else pf.SOCIAL_WORKER,
                reason="Տեղափոխվում են",
                data=pf.CLOSE,
            ),
        )
        ids["approval_id"] = int(requested.approval_id)
    assert len(pending_approvals(rt)) == 3
    return objects


def _fill(path: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "name" and path.startswith("/services/"):
            return "delivery"
        if name in WORDS:
            return WORDS[name]
        assert name in ids, f"{path}: which record does {{{name}}} name? add it to the scene"
        return str(ids[name])

    return re.sub(r"\{([^}]+)\}", value, path)


def _never(ids: dict[str, int]) -> dict[str, int]:
    return {name: NEVER for name in ids}


def _call(b, method: str, path: str, url: str) -> Any:
    if method == "GET":
        return b.get(url, follow_redirects=False)
    if path.startswith("/api/"):
        return b.client.request(
            method,
            url,
            json=BODIES.get(path, {}),
            headers={"X-CSRF-Token": b.csrf},
            follow_redirects=False,
        )
    return b.post(url, {"reason": "Փորձ", "expected_version": "1"})


#: The administration's pages name staff, partners and communities, never a case; a
#: password link opens by its one-time token alone.
NOT_CASE_PREFIXES = ("/admin/", "/api/v1/admin/", "/password/")


def _case_routes(app) -> Iterator[tuple[str, str]]:
    for method, path in routes(app):
        if "{" not in path or path in NOT_CASE_ROUTES or path.startswith(NOT_CASE_PREFIXES):
            continue
        yield method, path


def _check_routes(app, rt, b, who: str, rule: dict[str, str], objects) -> int:
    checked = 0
    for method, path in _case_routes(app):
        nowhere = _call(b, method, path, _fill(path, _never(objects["own"])))
        for kind, ids in objects.items():
            before = _fingerprint(rt) if method == "POST" else None
            answer = _call(b, method, path, _fill(path, ids))
            where = (who, method, path, kind, answer.status_code, nowhere.status_code)
            if not rule[kind]:
                # Outside the scope: indistinguishable from a record that never existed.
                assert answer.status_code == nowhere.status_code, where
                assert NAMES[kind] not in answer.text, where
            else:
                # Inside it the record is found: opened, or refused for the role (403).
                assert answer.status_code != 404, where
                if method == "GET":
                    assert answer.status_code in (200, 303, 403), where
            if before is not None and rule[kind] != "rw":
                assert _fingerprint(rt) == before, ("changed", *where)
            checked += 1
    return checked


def _check_lists(app, b, who: str, rule: dict[str, str]) -> int:
    checked = 0
    hidden = [NAMES[kind] for kind, access in rule.items() if not access]
    for method, path in routes(app):
        if method != "GET" or "{" in path or path in NOT_LISTS:
            continue
        for headers in ({}, {"HX-Request": "true"}):
            page = b.get(path, headers=headers, follow_redirects=False)
            assert page.status_code < 500, (who, path, page.status_code)
            for name in hidden:
                assert name not in page.text, (who, path, name)
            checked += 1
    for name in NAMES.values():  # searching by name finds only what is in scope
        found = b.get(f"/cases?q={name}&worker=&state=all")
        if name in hidden:
            assert f">{name}<" not in found.text, (who, "search", name)
    return checked


@pytest.fixture
def scene(rt, publisher, clock, browser) -> dict[str, dict[str, int]]:
    return build_scene(rt, publisher, clock, browser)


@pytest.mark.parametrize("who", list(RULE))
def test_every_route_answers_by_the_rule(app, rt, browser, scene, who):
    b = browser(who)
    checked = _check_routes(app, rt, b, who, RULE[who], scene)
    listed = _check_lists(app, b, who, RULE[who])
    assert checked > 150 and listed > 20, (checked, listed)


def test_a_manager_scoped_to_their_communities(app, rt, browser, scene, monkeypatch):
    monkeypatch.setattr(
        staff_scope, "scope_modes", lambda: {**staff_scope.DEFAULTS, "manager": "communities"}
    )
    b = browser("manager")
    assert _check_routes(app, rt, b, "manager", COMMUNITY_MANAGER_RULE, scene) > 150
    _check_lists(app, b, "manager", COMMUNITY_MANAGER_RULE)


def test_reports_count_the_whole_programme_for_a_scoped_manager(browser, scene, monkeypatch):
    monkeypatch.setattr(
        staff_scope, "scope_modes", lambda: {**staff_scope.DEFAULTS, "manager": "communities"}
    )
    manager, admin = browser("manager"), browser("admin")
    for report in ("states", "communities"):
        theirs = manager.get(f"/api/v1/reports/{report}").json()["rows"]
        assert theirs == admin.get(f"/api/v1/reports/{report}").json()["rows"], report
        assert not any(name in str(theirs) for name in NAMES.values())  # counts, no family
    caseload = manager.get("/cases?worker=&state=all").text
    assert NAMES["community"] in caseload and NAMES["other"] not in caseload
