"""The access log and the subject-access export on SQLite, through the services and the
`hogatar` commands: what is recorded, the listings per case and per person, and bad input
refused in one line with nothing half-written."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from config.celery import beat_schedule
from config.settings import Settings
from tests.privacy_fixtures import HEALTH_NOTE, close, full_case
from tests.programme_fixtures import case_in
from workflow import cli, cli_context
from workflow.errors import CaseNotFound, InvalidInput
from workflow.programme.exchange import export_cases
from workflow.programme.privacy import (
    AccessLogRow,
    CaseAnonymised,
    RetentionRunRow,
    RunRetention,
    export_subject_file,
    list_access,
    record_access,
    run_retention,
)


@pytest.fixture
def hogatar(sqlite_runtime, monkeypatch, capsys):
    """Run `hogatar ARGS` in this process; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli_context, "_runtime", sqlite_runtime)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            cli.main(list(args))
        captured = capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    return run


def one_line_error(result, text):
    code, _, err = result
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert text in err, err


def entries(rt, **kwargs):
    return list_access(rt, **kwargs).entries


def test_views_and_exports_are_listed_per_case_and_per_person(sqlite_runtime, tmp_path):
    rt = sqlite_runtime
    first = case_in(rt, "referred", family_name="Հակոբյան")
    second = case_in(rt, "referred", family_name="Մելքոնյան", phone="+374 91 222333")
    record_access(rt, actor="anahit.m", kind="view_case", source="10.0.0.7", case_id=first)
    rt.clock.advance(timedelta(days=2))
    record_access(rt, actor="gohar.s", kind="view_case", source="10.0.0.8", case_id=second)
    export_cases(rt, path=tmp_path / "cases.csv", actor="anahit.m")
    export_subject_file(rt, case_id=first, path=tmp_path / "first.zip", actor="cli:dpo")

    assert [(e["kind"], e["actor"]) for e in entries(rt, case_id=first)] == [
        ("subject_access_export", "cli:dpo"),
        ("view_case", "anahit.m"),
    ]
    mine = entries(rt, actor="anahit.m")
    assert [(e["kind"], e["case_id"], e["source"]) for e in mine] == [
        ("export_cases", None, "cli"),
        ("view_case", first, "10.0.0.7"),
    ]
    assert mine[0]["detail"] == "cases.csv: 2 case(s)"
    today = rt.clock.now().date()
    assert {e["kind"] for e in entries(rt, since=today)} == {
        "view_case",
        "export_cases",
        "subject_access_export",
    }
    page = list_access(rt, limit=2, offset=2)
    assert (page.total, len(page.entries)) == (4, 2)
    with pytest.raises(CaseNotFound):
        list_access(rt, case_id=999)
    with pytest.raises(InvalidInput, match="unknown access kind"):
        record_access(rt, actor="x", kind="edit_case", source="cli")


def test_the_log_is_purged_by_age_with_the_retention_run(sqlite_runtime):
    rt = sqlite_runtime
    case_id = case_in(rt, "referred")
    record_access(rt, actor="anahit.m", kind="view_case", source="cli", case_id=case_id)
    rt.clock.advance(timedelta(days=rt.settings.access_log_retention_days + 1))
    record_access(rt, actor="anahit.m", kind="view_case", source="cli", case_id=case_id)
    dry = run_retention(rt, RunRetention(actor="cli:test", dry_run=True))
    assert dry.access_entries_purged == 1 and len(entries(rt)) == 2
    real = run_retention(rt, RunRetention(actor="cli:test", dry_run=False))
    assert real.access_entries_purged == 1 and len(entries(rt)) == 1


def test_the_subject_access_zip_holds_the_family_file_and_timeline(sqlite_runtime, tmp_path):
    rt = sqlite_runtime
    case_id = full_case(rt)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "request.zip"
    held = export_subject_file(rt, case_id=case_id, path=target, actor="cli:dpo")
    assert held["members"] == 2 and held["documents"] == 0
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["case.json"]
        data = json.loads(archive.read("case.json"))
    assert data["family"]["family_name"] == "Սարգսյան"
    assert [m["full_name"] for m in data["members"]] == ["Անի Սարգսյան", "Նարե Սարգսյան"]
    assert data["members"][1]["health_notes"] == HEALTH_NOTE
    triggers = [event["trigger"] for event in data["timeline"]["events"]]
    assert triggers[:2] == ["open", "register_family"] and "stabilise" in triggers
    for part in ("consents", "assessments", "planned_services", "deliveries", "referrals"):
        assert data[part], part
    assert data["counselling_sessions"][0]["notes"]
    assert list(out.iterdir()) == [target]


def test_subject_access_refusals_leave_nothing_behind(sqlite_runtime, tmp_path):
    rt = sqlite_runtime
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    case_id = case_in(rt, "referred")
    with pytest.raises(CaseNotFound):
        export_subject_file(rt, case_id=999, path=tmp_path / "x.zip", actor="cli:dpo")
    with pytest.raises(InvalidInput, match="cannot write"):
        export_subject_file(rt, case_id=case_id, path=tmp_path / "no" / "x.zip", actor="cli:d")
    close(rt, case_id)
    rt.clock.advance(timedelta(days=6 * 366))
    run_retention(rt, RunRetention(actor="cli:test", dry_run=False))
    with pytest.raises(CaseAnonymised, match="nothing to export"):
        export_subject_file(rt, case_id=case_id, path=tmp_path / "x.zip", actor="cli:dpo")
    assert list(tmp_path.iterdir()) == []
    with rt.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(AccessLogRow)) == 0


def test_the_commands(hogatar, sqlite_runtime, tmp_path):
    rt = sqlite_runtime
    old = case_in(rt, "referred", family_name="Հակոբյան")
    close(rt, old)
    rt.clock.advance(timedelta(days=5 * 366))
    recent = case_in(rt, "referred", family_name="Մելքոնյան", phone="+374 91 222333")

    code, out, err = hogatar("family", "show", str(recent), "--actor", "cli:anahit")
    assert code == 0, err
    code, out, err = hogatar("export", "cases", str(tmp_path / "all.csv"), "--actor", "cli:dpo")
    assert code == 0, err
    code, out, err = hogatar("privacy", "export", str(recent), str(tmp_path / "r.zip"))
    assert code == 0 and "1 member(s)" not in out and "member(s)" in out, err
    code, out, err = hogatar("access", "list", "--case", str(recent), "--json")
    assert code == 0, err
    assert [e["kind"] for e in json.loads(out)["entries"]] == [
        "subject_access_export",
        "view_family",
    ]
    code, out, err = hogatar("access", "list", "--staff", "cli:dpo")
    assert code == 0 and "export_cases" in out and "from cli" in out, err

    code, out, err = hogatar("retention", "run", "--dry-run", "--cases", f"{old},{recent}")
    assert code == 0, err
    assert f"case {old}, closed on" in out and f"case {recent} not listed: it is referred" in out
    code, out, err = hogatar("retention", "run", "--json")
    assert code == 0, err
    assert [c["case_id"] for c in json.loads(out)["cases"]] == [old]

    one_line_error(hogatar("retention", "run", "--cases", "1,x"), "--cases must be case ids")
    one_line_error(hogatar("retention", "run", "--dry-run", "--cases", "999"), "case 999")
    one_line_error(hogatar("privacy", "export", "999", str(tmp_path / "n.zip")), "case 999")
    one_line_error(
        hogatar("privacy", "export", str(old), str(tmp_path / "n.zip")), "was anonymised on"
    )
    one_line_error(
        hogatar("privacy", "export", str(recent), str(tmp_path / "missing" / "n.zip")),
        "cannot write",
    )
    one_line_error(hogatar("access", "list", "--since", "yesterday"), "--since")
    assert not (tmp_path / "n.zip").exists()


def test_beat_runs_retention_daily_unless_switched_off():
    schedule = beat_schedule(Settings())
    assert schedule["privacy-retention"]["task"] == "privacy.retention"
    assert "privacy-retention" not in beat_schedule(Settings(retention_schedule_enabled=False))


def test_the_beat_task_anonymises_as_system_retention(sqlite_runtime, monkeypatch):
    import tasks.runtime
    from tasks.sweeps import retention

    rt = sqlite_runtime
    monkeypatch.setattr(tasks.runtime, "_runtime", rt)
    case_id = case_in(rt, "referred")
    close(rt, case_id)
    rt.clock.advance(timedelta(days=5 * 366))
    assert retention() == {"anonymised": 1, "purged": 0}
    with rt.session_factory() as session:
        run = session.scalar(select(RetentionRunRow))
        assert (run.actor, run.dry_run, run.case_ids) == ("system:retention", False, [case_id])
