"""Data protection on PostgreSQL: the retention dry run lists a case closed N years ago,
the real run anonymises it and a second one changes nothing, while the reports' figures
stay the same; the subject-access zip holds the family's members and timeline; exports
are access-logged and listed per case and per person."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.privacy_fixtures import HEALTH_NOTE, PURPOSE, close, full_case, report_totals
from workflow.clock import FixedClock
from workflow.programme.exchange import export_cases
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.privacy import (
    MARK,
    CaseAnonymised,
    RunRetention,
    export_subject_file,
    list_access,
    run_retention,
)
from workflow.programme.referrals import ReferralRow

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def rt(clean_db, clean_redis, runtime_for):
    runtime = runtime_for(clean_db, clean_redis, retention_years=3)
    runtime.clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    return runtime


def retention(rt, *, dry_run, **kwargs):
    return run_retention(rt, RunRetention(actor="system:test", dry_run=dry_run, **kwargs))


def test_retention_anonymises_a_case_closed_years_ago_and_the_reports_stay(rt, tmp_path):
    old = full_case(rt, family_name="Սարգսյան")
    close(rt, old)
    rt.clock.advance(timedelta(days=3 * 366))
    open_case = full_case(rt, family_name="Պետրոսյան", phone="+374 91 765432")
    before = report_totals(rt)

    listed = retention(rt, dry_run=True)
    assert [case.case_id for case in listed.due] == [old]
    assert listed.due[0].removes["members"] == 2
    asked = retention(rt, dry_run=True, case_ids=(old, open_case))
    assert asked.not_due == {open_case: "it is economically_stabilised, not closed"}

    done = retention(rt, dry_run=False)
    assert [case.case_id for case in done.due] == [old]
    with rt.session_factory() as session:
        family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == old))
        assert (family.family_name, family.phone, family.address) == (MARK, None, None)
        members = session.scalars(select(MemberRow).where(MemberRow.family_id == family.id))
        assert {(m.full_name, m.health_notes, m.date_of_birth) for m in members} == {
            (MARK, None, None)
        }
        assert session.scalar(select(ReferralRow.purpose).where(ReferralRow.case_id == old)) == (
            MARK
        )
        kept = session.scalar(select(FamilyRow).where(FamilyRow.case_id == open_case))
        assert kept.family_name == "Պետրոսյան"
    assert report_totals(rt) == before

    again = retention(rt, dry_run=False)
    assert again.due == [] and report_totals(rt) == before
    with pytest.raises(CaseAnonymised):
        export_subject_file(rt, case_id=old, path=tmp_path / "old.zip", actor="system:test")
    assert not (tmp_path / "old.zip").exists()


def test_the_subject_access_zip_and_the_access_log(rt, tmp_path):
    case_id = full_case(rt, family_name="Մկրտչյան")
    target = tmp_path / "request.zip"
    export_subject_file(rt, case_id=case_id, path=target, actor="cli:dpo")
    with zipfile.ZipFile(target) as archive:
        data = json.loads(archive.read("case.json"))
    assert [m["full_name"] for m in data["members"]] == ["Անի Մկրտչյան", "Նարե Մկրտչյան"]
    assert data["members"][1]["health_notes"] == HEALTH_NOTE
    assert data["referrals"][0]["purpose"] == PURPOSE
    assert [e["trigger"] for e in data["timeline"]["events"]][:2] == ["open", "register_family"]

    export_cases(rt, path=tmp_path / "cases.csv", actor="cli:dpo")
    per_case = list_access(rt, case_id=case_id).entries
    assert [(e["kind"], e["actor"]) for e in per_case] == [("subject_access_export", "cli:dpo")]
    per_person = list_access(rt, actor="cli:dpo")
    assert [e["kind"] for e in per_person.entries] == ["export_cases", "subject_access_export"]
    assert per_person.total == 2
