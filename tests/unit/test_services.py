"""The service layer on a real SQLite database with a fake broker."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import case_in, close_case, prepare, register
from workflow import queries
from workflow.commands import AdvanceCase, OpenCase
from workflow.errors import (
    CaseNotFound,
    ConcurrentUpdate,
    GuardFailed,
    InvalidInput,
    TriggerNotAllowed,
    UnknownWorkflow,
)
from workflow.persistence.models import CaseEventRow, CaseRow, OutboxRow
from workflow.services import handle


def open_case(rt, **kwargs):
    kwargs.setdefault("family_name", "Հովհաննիսյան")
    kwargs.setdefault("community", "Աբովյան")
    return handle(rt, OpenCase(actor="worker-1", **kwargs)).case_id


def advance(rt, case_id, trigger, **kwargs):
    return handle(rt, AdvanceCase(case_id=case_id, trigger=trigger, actor="worker-1", **kwargs))


def snapshot(rt):
    with rt.session_factory() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (CaseRow, CaseEventRow, OutboxRow)
        } | {
            "cases": [
                (c.id, c.state, c.version)
                for c in session.scalars(select(CaseRow).order_by(CaseRow.id))
            ]
        }


def test_open_case_starts_referred_at_version_one(sqlite_runtime):
    case_id = open_case(sqlite_runtime)
    view = queries.case_view(sqlite_runtime, case_id=case_id)
    assert view["state"] == "referred" and view["version"] == 1
    assert view["allowed_triggers"] == ["assess", "close"]
    assert view["timeline"][0] | {"at": None} == {
        "version": 1,
        "trigger": "open",
        "from": None,
        "to": "referred",
        "actor": "worker-1",
        "at": None,
        "reason": None,
        "data": {},
        "effects": [],
    }


def test_advance_writes_state_event_and_outbox_together(sqlite_runtime, publisher):
    case_id = case_in(sqlite_runtime, "assessed")
    prepare(sqlite_runtime, case_id, "enrol")
    version = queries.case_view(sqlite_runtime, case_id=case_id)["version"]
    event = advance(sqlite_runtime, case_id, "enrol", data={"note": "Ընտանիքը համաձայն է"})
    assert (event.from_state, event.to_state, event.version) == (
        "assessed",
        "enrolled",
        version + 1,
    )
    view = queries.case_view(sqlite_runtime, case_id=case_id)
    last = view["timeline"][-1]
    assert last["trigger"] == "enrol" and last["data"] == {"note": "Ընտանիքը համաձայն է"}
    assert [e["name"] for e in last["effects"]] == ["referrals.notify_partners"]
    # Published right after commit, ids only.
    assert [m.effect for m in publisher.sent][-1] == "referrals.notify_partners"
    assert publisher.sent[-1].outbox_id == last["effects"][0]["id"]
    assert last["effects"][0]["status"] == "published"
    with sqlite_runtime.session_factory() as session:
        row = session.get(OutboxRow, last["effects"][0]["id"])
        assert row.payload["case_id"] == case_id and "family_name" not in row.payload


@pytest.mark.parametrize(
    ("trigger", "kwargs", "error", "text"),
    [
        ("stabilise", {}, TriggerNotAllowed, "allowed: assess, close"),
        ("fly", {}, TriggerNotAllowed, "'fly' is not allowed"),
        ("assess", {}, GuardFailed, "first record an assessment of the family"),
        ("close", {}, GuardFailed, "choose a closure reason from the list"),
        ("close", {"reason": "moved"}, GuardFailed, "choose a closure reason from the list"),
        ("close", {"data": {"closure_reason": "bored"}}, GuardFailed, "'bored' is not one"),
        (
            "close",
            {"data": {"closure_reason": "other"}, "reason": "   "},
            GuardFailed,
            "explain the closure reason 'other' in words",
        ),
        ("assess", {"expected_version": 7}, ConcurrentUpdate, "changed by someone else"),
        ("assess", {"data": ["not", "an", "object"]}, InvalidInput, "JSON object"),
    ],
)
def test_refusals_write_nothing(sqlite_runtime, publisher, trigger, kwargs, error, text):
    case_id = open_case(sqlite_runtime)
    before = snapshot(sqlite_runtime)
    sent = len(publisher.sent)
    with pytest.raises(error) as raised:
        advance(sqlite_runtime, case_id, trigger, **kwargs)
    assert text in str(raised.value)
    assert snapshot(sqlite_runtime) == before
    assert len(publisher.sent) == sent


def test_unknown_case_writes_nothing(sqlite_runtime):
    open_case(sqlite_runtime)
    before = snapshot(sqlite_runtime)
    with pytest.raises(CaseNotFound, match="case 999 does not exist"):
        advance(sqlite_runtime, 999, "assess")
    assert snapshot(sqlite_runtime) == before


def test_a_failed_guard_lists_every_unmet_requirement(sqlite_runtime):
    case_id = register(sqlite_runtime)
    with sqlite_runtime.session_factory.begin() as session:  # skip ahead: as if assessed
        session.get(CaseRow, case_id).state = "assessed"
    with pytest.raises(GuardFailed) as raised:
        advance(sqlite_runtime, case_id, "enrol")
    assert raised.value.unmet == [
        "record an assessment that finds a risk of child abandonment",
        "record the family's consent",
        "record an assessment that meets at least 1 of the 6 additional criteria "
        "(the latest one meets 0; codes: extreme_poverty, parental_unemployment, "
        "health_problems, single_parent, disability, severe_conditions)",
    ]
    assert "; ".join(raised.value.unmet) in str(raised.value)


def test_closed_case_allows_only_reopen_with_reason(sqlite_runtime):
    case_id = open_case(sqlite_runtime)
    close_case(sqlite_runtime, case_id, reason="to Yerevan")
    with pytest.raises(TriggerNotAllowed, match="allowed: reopen"):
        advance(sqlite_runtime, case_id, "assess")
    advance(sqlite_runtime, case_id, "reopen", reason="came back to Hrazdan")
    assert queries.case_view(sqlite_runtime, case_id=case_id)["state"] == "referred"


def test_expected_version_accepts_the_current_one(sqlite_runtime):
    case_id = register(sqlite_runtime)
    prepare(sqlite_runtime, case_id, "assess")
    seen = queries.case_view(sqlite_runtime, case_id=case_id)["version"]
    assert advance(sqlite_runtime, case_id, "assess", expected_version=seen).version == seen + 1
    with pytest.raises(
        ConcurrentUpdate, match=f"you had version {seen}, it is now at version {seen + 1}"
    ):
        advance(sqlite_runtime, case_id, "enrol", expected_version=seen)


def test_broker_down_at_commit_keeps_the_transition(sqlite_runtime, publisher):
    case_id = register(sqlite_runtime)
    prepare(sqlite_runtime, case_id, "assess")
    publisher.available = False
    event = advance(sqlite_runtime, case_id, "assess")
    assert event.to_state == "assessed"
    assert queries.outbox_counts(sqlite_runtime) == {
        "pending": 1,
        "published": 0,
        "done": 0,
        "failed": 0,
    }


def test_armenian_text_is_stored_as_nfc(sqlite_runtime):
    decomposed = unicodedata.normalize("NFD", "Ծաղկաձոր — Ամալյա")
    case_id = open_case(sqlite_runtime, family_name=decomposed, community=" Ծաղկաձոր ")
    view = queries.case_view(sqlite_runtime, case_id=case_id)
    assert view["family_name"] == unicodedata.normalize("NFC", decomposed)
    assert view["community"] == "Ծաղկաձոր"


def test_unknown_workflow_and_missing_actor(sqlite_runtime):
    with pytest.raises(UnknownWorkflow, match="known workflows: family_case"):
        handle(sqlite_runtime, OpenCase(actor="w", workflow="foster"))
    with pytest.raises(InvalidInput, match="actor"):
        handle(sqlite_runtime, OpenCase(actor="  "))
