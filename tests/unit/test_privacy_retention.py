"""Retention on SQLite: a case closed N years ago is listed by the dry run and anonymised
by the real run (personal data gone, the reports' figures the same), a second run
changes nothing, a reopened or recent case is left alone, an anonymised one stays closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.privacy_fixtures import (
    HEALTH_NOTE,
    PURPOSE,
    SESSION_NOTE,
    close,
    full_case,
    report_totals,
)
from tests.programme_fixtures import case_in
from workflow.commands import AdvanceCase
from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseActivityRow, CaseEventRow, CaseRow
from workflow.programme.assessment import AssessmentRow
from workflow.programme.counselling import CounsellingSessionRow
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.plans import DeliveryRow
from workflow.programme.privacy import (
    MARK,
    AnonymisedCaseRow,
    CaseAnonymised,
    RetentionRunRow,
    RunRetention,
    neutral_data,
    run_retention,
)
from workflow.programme.referrals import ReferralRow
from workflow.services import handle

YEAR = timedelta(days=366)


def dry(rt, **kwargs):
    return run_retention(rt, RunRetention(actor="cli:test", dry_run=True, **kwargs))


def real(rt, **kwargs):
    return run_retention(rt, RunRetention(actor="cli:test", dry_run=False, **kwargs))


def personal_text(rt, case_id):
    """Every personal value of the case that anonymisation must remove."""
    with rt.session_factory() as session:
        family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
        members = session.scalars(select(MemberRow).where(MemberRow.family_id == family.id)).all()
        return {
            "case": session.get(CaseRow, case_id).family_name,
            "family": (family.family_name, family.address, family.phone),
            "members": [(m.full_name, m.date_of_birth, m.health_notes) for m in members],
            "assessments": session.scalars(
                select(AssessmentRow.risk_description).where(AssessmentRow.case_id == case_id)
            ).all(),
            "referrals": session.scalars(
                select(ReferralRow.purpose).where(ReferralRow.case_id == case_id)
            ).all(),
            "reasons": session.scalars(
                select(CaseEventRow.reason).where(
                    CaseEventRow.case_id == case_id, CaseEventRow.reason.is_not(None)
                )
            ).all(),
        }


def test_a_case_closed_long_ago_is_listed_then_anonymised_and_the_reports_stay(sqlite_runtime):
    rt = sqlite_runtime
    old = full_case(rt, family_name="Սարգսյան")
    close(rt, old)
    rt.clock.advance(5 * YEAR)
    still_open = full_case(rt, family_name="Պետրոսյան", phone="+374 91 765432")
    recent = case_in(rt, "referred", family_name="Հակոբյան", phone="+374 91 000111")
    close(rt, recent)
    before = report_totals(rt)
    assert personal_text(rt, old)["members"][1][2] == HEALTH_NOTE

    listed = dry(rt)
    assert [c.case_id for c in listed.due] == [old]
    removes = listed.due[0].removes
    assert removes["family"] == 1 and removes["members"] == 2 and removes["referrals"] == 1
    assert personal_text(rt, old)["family"][0] == "Սարգսյան"  # the dry run changed nothing

    done = real(rt)
    assert [c.case_id for c in done.due] == [old]
    after = personal_text(rt, old)
    assert after["case"] == MARK and after["family"] == (MARK, None, None)
    assert after["members"] == [(MARK, None, None), (MARK, None, None)]
    assert after["assessments"] == [None] and after["referrals"] == [MARK]
    assert after["reasons"] == []
    with rt.session_factory() as session:
        assert session.scalar(select(CounsellingSessionRow.notes)) is None
        assert session.scalar(select(func.sum(DeliveryRow.cost_amd))) == 30_000
        close_event = session.scalar(
            select(CaseEventRow).where(CaseEventRow.case_id == old, CaseEventRow.trigger == "close")
        )
        assert close_event.data == {"closure_reason": "moved_away"}
        note = session.scalar(
            select(CaseActivityRow).where(
                CaseActivityRow.case_id == old, CaseActivityRow.kind == "anonymised"
            )
        )
        assert note.data == {"retention_run_id": done.run_id, "retention_years": 5}
        # The open case keeps every word of its file.
        assert (
            session.scalar(select(FamilyRow.family_name).where(FamilyRow.case_id == still_open))
            == "Պետրոսյան"
        )
    for text in (HEALTH_NOTE, SESSION_NOTE, PURPOSE, "Արաբկիր"):
        assert text not in str(after)
    assert report_totals(rt) == before

    again = real(rt)
    assert again.due == [] and report_totals(rt) == before
    with rt.session_factory() as session:
        runs = session.scalars(select(RetentionRunRow).order_by(RetentionRunRow.id)).all()
        assert [(r.dry_run, r.cases_count, r.case_ids) for r in runs] == [
            (True, 1, [old]),
            (False, 1, [old]),
            (False, 0, []),
        ]
        assert all(r.actor == "cli:test" and r.finished_at is not None for r in runs)


def test_the_dry_run_says_why_a_case_asked_for_is_not_listed(sqlite_runtime):
    rt = sqlite_runtime
    recent = case_in(rt, "referred", family_name="Հակոբյան")
    close(rt, recent)
    running = case_in(rt, "assessed", family_name="Մելքոնյան", phone="+374 91 222333")
    report = dry(rt, case_ids=(recent, running))
    assert report.due == []
    assert "less than 5 year(s) ago: due on or after" in report.not_due[recent]
    assert report.not_due[running] == "it is assessed, not closed"
    with pytest.raises(CaseNotFound):
        dry(rt, case_ids=(recent, 9999))


def test_a_reopened_case_is_not_anonymised_and_an_anonymised_one_is_not_reopened(sqlite_runtime):
    rt = sqlite_runtime
    reopened = case_in(rt, "referred", family_name="Հակոբյան")
    close(rt, reopened)
    gone = case_in(rt, "referred", family_name="Մելքոնյան", phone="+374 91 222333")
    close(rt, gone)
    rt.clock.advance(6 * YEAR)
    handle(rt, AdvanceCase(case_id=reopened, trigger="reopen", actor="w", reason="came back"))
    report = real(rt, case_ids=(reopened, gone))
    assert [c.case_id for c in report.due] == [gone]
    assert report.not_due[reopened] == "it is referred, not closed (it was reopened)"
    with pytest.raises(CaseAnonymised, match="cannot be reopened"):
        handle(rt, AdvanceCase(case_id=gone, trigger="reopen", actor="w", reason="again"))
    with rt.session_factory() as session:
        assert session.get(CaseRow, gone).state == "closed"
        assert session.get(AnonymisedCaseRow, gone) is not None
        assert session.get(AnonymisedCaseRow, reopened) is None


def test_a_group_session_keeps_its_notes_until_every_family_in_it_is_anonymised(
    sqlite_runtime,
):
    from tests.programme_fixtures import PSYCHOLOGIST, ensure_staff, today
    from workflow.programme.counselling import RecordCounselling

    rt = sqlite_runtime
    ensure_staff(rt)
    first = case_in(rt, "referred", family_name="Հակոբյան")
    second = case_in(rt, "referred", family_name="Մելքոնյան", phone="+374 91 222333")
    handle(
        rt,
        RecordCounselling(
            kind="group",
            case_ids=(first, second),
            psychologist=PSYCHOLOGIST,
            held_on=today(rt),
            actor="w",
            notes=SESSION_NOTE,
        ),
    )
    close(rt, first)
    rt.clock.advance(5 * YEAR)
    close(rt, second)
    real(rt)
    with rt.session_factory() as session:
        assert session.scalar(select(CounsellingSessionRow.notes)) == SESSION_NOTE
    rt.clock.advance(5 * YEAR)
    assert [c.case_id for c in real(rt).due] == [second]
    with rt.session_factory() as session:
        assert session.scalar(select(CounsellingSessionRow.notes)) is None


def test_timeline_data_keeps_ids_codes_dates_and_amounts_only():
    data = {
        "closure_reason": "moved_away",
        "note": "Նոր հասցե",
        "referral_id": 4,
        "purpose": "free text",
        "due_on": "2026-01-02",
        "amount_amd": 5000,
        "changed": {"phone": "+374 91 123456", "address": "x"},
        "data": {"closure_reason": "other", "why": "text"},
    }
    assert neutral_data(data) == {
        "closure_reason": "moved_away",
        "referral_id": 4,
        "due_on": "2026-01-02",
        "amount_amd": 5000,
        "changed": ["address", "phone"],
        "data": {"closure_reason": "other"},
    }
