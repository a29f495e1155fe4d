"""Consent for every referral: a referral needs a consent covering "referral" that is
valid that day; withdrawing it blocks new referrals and lists those still open; the
enrolment's referrals to partners wait for it. On SQLite, effects delivered by hand."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import programme_fixtures as pf
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.persistence.models import CaseActivityRow, CaseRow
from workflow.programme.families import (
    AssignCase,
    ConsentInput,
    ConsentRow,
    ConsentWithdrawn,
    RecordConsent,
    WithdrawConsent,
    covers,
)
from workflow.programme.inbox import InboxItemRow
from workflow.programme.referrals import CreateReferral, ReferralConsentMissing, ReferralRow
from workflow.programme.shared.values import Problems
from workflow.programme.staff import StaffRow
from workflow.services import handle

migration = importlib.import_module("workflow.migrations.versions.0012_consent_purposes")


def _deliver(rt, publisher) -> None:
    while publisher.sent:
        message = publisher.sent.pop(0)
        deliver_effect(rt, outbox_id=message.outbox_id, task_id="t")


def _enrolled_with(rt, publisher, purposes: tuple[str, ...], *, assign: bool = False) -> int:
    case_id = pf.register(rt)
    pf.bring_to(rt, case_id, "assessed")
    if assign:
        handle(rt, AssignCase(case_id=case_id, actor="worker-1", social_worker=pf.SOCIAL_WORKER))
    pf.consent(rt, case_id, purposes=purposes)
    handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor="worker-1"))
    _deliver(rt, publisher)
    return case_id


def _refer(rt, case_id: int) -> int:
    created = handle(
        rt,
        CreateReferral(
            case_id=case_id, partner="kotayk_rights", purpose="Իրավաբանական", actor="worker-1"
        ),
    )
    return int(created.referral_id)


def _consent(rt, case_id: int, **kwargs) -> None:
    values = {
        "purposes": ("referral",),
        "given_on": pf.today(rt),
        "given_by_member_id": pf.first_member(rt, case_id),
    }
    values.update(kwargs)
    handle(rt, RecordConsent(case_id=case_id, actor="worker-1", consent=ConsentInput(**values)))


def _referrals(rt, case_id: int) -> list[ReferralRow]:
    with rt.session_factory() as session:
        return list(session.scalars(select(ReferralRow).where(ReferralRow.case_id == case_id)))


# --- the rule, in plain Python ---


def _row(**kwargs) -> ConsentRow:
    values = {"purposes": ["participation", "referral"], "given_on": date(2026, 1, 10)}
    values.update(kwargs)
    return ConsentRow(**values)


@pytest.mark.parametrize(
    ("row", "day", "covered"),
    [
        (_row(), date(2026, 1, 10), True),  # the day it was given
        (_row(), date(2026, 1, 9), False),  # before it was given
        (_row(expires_on=date(2026, 6, 30)), date(2026, 6, 30), True),  # its last day
        (_row(expires_on=date(2026, 6, 30)), date(2026, 7, 1), False),  # expired
        (_row(withdrawn_on=date(2026, 2, 1)), date(2026, 1, 20), False),  # withdrawn
        (_row(purposes=["participation"]), date(2026, 1, 20), False),  # not referral
    ],
)
def test_a_consent_covers_referral_only_while_valid(row, day, covered):
    assert covers(row, "referral", day) is covered


# --- manual referrals ---


def test_a_referral_without_referral_consent_is_refused_saying_what_to_record(
    sqlite_runtime, publisher
):
    rt = sqlite_runtime
    case_id = _enrolled_with(rt, publisher, ("participation",))
    with pytest.raises(ReferralConsentMissing) as refused:
        _refer(rt, case_id)
    message = str(refused.value)
    assert f"case {case_id} has no consent to referral valid on" in message
    assert f"hogatar consent record {case_id} --purpose referral" in message
    assert _referrals(rt, case_id) == []
    _consent(rt, case_id)
    referral_id = _refer(rt, case_id)
    assert [r.id for r in _referrals(rt, case_id)] == [referral_id]


def test_an_expired_referral_consent_refuses_the_referral(sqlite_runtime, publisher, clock):
    rt = sqlite_runtime
    case_id = _enrolled_with(rt, publisher, ("participation",))
    _consent(rt, case_id, expires_on=pf.today(rt) + timedelta(days=30))
    _refer(rt, case_id)
    clock.advance(timedelta(days=31))
    with pytest.raises(ReferralConsentMissing):
        _refer(rt, case_id)


# --- recording consent ---


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"purposes": ("gossip",)}, "purposes", "'gossip' is not one of: participation"),
        ({"purposes": ()}, "purposes", "is required: tick what the family agrees to"),
        ({"given_by_member_id": None}, "given_by", "say who gave the consent"),
        ({"given_by_member_id": 999_999}, "given_by", "is not a member of this family"),
        ({"expires_on": date(2020, 1, 1)}, "expires_on", "must not be before the day"),
    ],
)
def test_a_consent_record_is_refused_beside_the_field_at_fault(
    sqlite_runtime, kwargs, field, problem
):
    case_id = pf.register(sqlite_runtime)
    with pytest.raises(Problems) as refused:
        _consent(sqlite_runtime, case_id, **kwargs)
    assert [(p.field, p.problem) for p in refused.value.problems if p.problem.startswith(problem)]
    assert {p.field for p in refused.value.problems} == {field}


def test_a_guardian_by_name_and_purposes_by_label_are_recorded(sqlite_runtime):
    case_id = pf.register(sqlite_runtime)
    _consent(
        sqlite_runtime,
        case_id,
        purposes=("Ուղեգրում գործընկեր կազմակերպություններին", "PHOTO"),
        given_by_member_id=None,
        given_by_name="Սոնա Սարգսյան, խնամակալ",
    )
    with sqlite_runtime.session_factory() as session:
        row = session.scalars(select(ConsentRow).where(ConsentRow.case_id == case_id)).one()
    assert (row.purposes, row.given_by_name, row.document_id) == (
        ["referral", "photo"],
        "Սոնա Սարգսյան, խնամակալ",
        None,
    )


# --- withdrawing ---


def test_withdrawing_referral_consent_keeps_the_case_open_and_lists_open_referrals(
    sqlite_runtime, publisher
):
    rt = sqlite_runtime
    case_id = _enrolled_with(rt, publisher, ("participation", "referral"))
    enrolment_referrals = [r.id for r in _referrals(rt, case_id)]
    assert enrolment_referrals  # the enrolment referred the family to a partner
    manual = _refer(rt, case_id)
    event = handle(
        rt,
        WithdrawConsent(
            case_id=case_id,
            actor="worker-1",
            withdrawn_on=pf.today(rt),
            purposes=("referral",),
            reason="Չեն ցանկանում",
        ),
    )
    assert isinstance(event, ConsentWithdrawn)
    assert event.closed_from is None and event.purposes == ("referral",)
    assert [r.referral_id for r in event.open_referrals] == [*enrolment_referrals, manual]
    assert {r.partner for r in event.open_referrals} >= {"kotayk_rights"}
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "enrolled"
        rows = list(session.scalars(select(ConsentRow).where(ConsentRow.case_id == case_id)))
    # The record of both purposes is withdrawn; participation is recorded again alone.
    assert [(r.purposes, r.withdrawn_on is None) for r in rows] == [
        (["participation", "referral"], False),
        (["participation"], True),
    ]
    with pytest.raises(ReferralConsentMissing):
        _refer(rt, case_id)
    # Enrolment still stands on the participation consent kept.
    assert rows[1].given_on == rows[0].given_on


def test_withdrawing_all_consent_closes_the_case_and_lists_open_referrals(
    sqlite_runtime, publisher
):
    rt = sqlite_runtime
    case_id = _enrolled_with(rt, publisher, ("participation", "referral"))
    event = handle(
        rt, WithdrawConsent(case_id=case_id, actor="worker-1", withdrawn_on=pf.today(rt))
    )
    assert event.closed_from == "enrolled"
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "closed"  # at once, no approval
    assert set(event.purposes) == {"participation", "referral"}
    assert [r.referral_id for r in event.open_referrals] == [r.id for r in _referrals(rt, case_id)]


# --- the enrolment's referrals ---


def test_enrolment_without_referral_consent_refers_nobody_and_says_why(sqlite_runtime, publisher):
    rt = sqlite_runtime
    case_id = _enrolled_with(rt, publisher, ("participation",), assign=True)
    assert _referrals(rt, case_id) == []
    with rt.session_factory() as session:
        held = session.scalars(
            select(CaseActivityRow).where(
                CaseActivityRow.case_id == case_id,
                CaseActivityRow.kind == "referrals_held_no_consent",
            )
        ).one()
        told = list(
            session.scalars(
                select(StaffRow.username)
                .join(InboxItemRow, InboxItemRow.staff_id == StaffRow.id)
                .where(
                    InboxItemRow.case_id == case_id,
                    InboxItemRow.kind == "referrals_held_no_consent",
                )
            )
        )
    assert held.data["trigger"] == "enrol" and held.data["partners"] == ["kotayk_iss_hrazdan"]
    assert told == [pf.SOCIAL_WORKER]  # the family's social worker, in their inbox


# --- the migration's mapping of old free-text consent ---


@pytest.mark.parametrize(
    ("text", "purposes"),
    [
        ("Մասնակցություն ծրագրին և տվյալների մշակում", ["participation"]),
        ("Participation in the programme", ["participation"]),
        ("Մասնակցություն և ուղեգրում գործընկերներին", ["participation", "referral"]),
        ("Համաձայն է ուղղորդմանը", ["participation", "referral"]),
        ("Agrees to be REFERRED to partners", ["participation", "referral"]),
        (None, ["participation"]),
    ],
)
def test_old_consent_text_maps_to_participation_and_referral_only_when_it_says_so(text, purposes):
    assert migration.purposes_from_text(text) == purposes


def test_the_migration_keeps_old_text_as_a_note_and_maps_its_purposes(tmp_path):
    from sqlalchemy import create_engine, text

    from workflow.persistence.migrate import upgrade

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0011")
    old = {"recorded_by": "w", "recorded_at": "2026-01-01 10:00:00", "given_on": "2026-01-01"}
    with engine.begin() as connection:
        connection.execute(text("PRAGMA foreign_keys=OFF"))
        for number, purpose in enumerate(("Մասնակցություն ծրագրին", "Ուղեգրում ԱՍԾ"), 1):
            connection.execute(
                text(
                    "INSERT INTO consents (id, case_id, purpose, given_on, recorded_by, "
                    "recorded_at) VALUES (:id, 1, :purpose, :given_on, :recorded_by, "
                    ":recorded_at)"
                ),
                {"id": number, "purpose": purpose, **old},
            )
    upgrade(engine, "0012")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT purposes, note, expires_on, given_by_member_id FROM consents ORDER BY id")
        ).all()
    engine.dispose()
    assert [(r[1], r[0], r[2], r[3]) for r in rows] == [
        ("Մասնակցություն ծրագրին", '["participation"]', None, None),
        ("Ուղեգրում ԱՍԾ", '["participation", "referral"]', None, None),
    ]


def test_a_referral_queued_before_consent_was_withdrawn_is_never_mailed(
    sqlite_runtime, publisher, mailer
):
    rt = sqlite_runtime
    case_id = _enrolled_with(rt, publisher, ("participation", "referral"))
    mailed_before = len(mailer.sent)
    referral_id = _refer(rt, case_id)  # queued; its mail waits in the broker
    handle(
        rt,
        WithdrawConsent(
            case_id=case_id,
            actor="worker-1",
            withdrawn_on=pf.today(rt),
            purposes=("referral",),
            reason="Չեն ցանկանում",
        ),
    )
    _deliver(rt, publisher)
    [referral] = [r for r in _referrals(rt, case_id) if r.id == referral_id]
    assert (referral.status, referral.sent_at, referral.message_id) == ("withheld", None, None)
    assert len(mailer.sent) == mailed_before  # no mail left for the partner
    with rt.session_factory() as session:
        kinds = session.scalars(
            select(CaseActivityRow.kind).where(CaseActivityRow.case_id == case_id)
        ).all()
    assert "referral_withheld" in kinds
