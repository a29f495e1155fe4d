"""The retention job: family cases closed more than ``HOGATAR_RETENTION_YEARS`` ago are
anonymised (``anonymise.py`` says field by field what goes and what stays), and access-log
entries older than ``HOGATAR_ACCESS_LOG_RETENTION_DAYS`` are purged.

A dry run lists what a run would change and changes nothing but its own record. A real
run anonymises each case in a transaction of its own, re-checked under the case's lock (a
case reopened meanwhile is left alone), and puts an entry without personal data on the
case's timeline. Every run, dry or real, is a ``retention_runs`` row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.activity import note_activity, require_actor
from workflow.clock import as_utc, local_day
from workflow.errors import CaseNotFound, HogatarError
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme.privacy.anonymise import anonymise, personal_rows
from workflow.programme.privacy.commands import DueCase, RetentionReport, RunRetention
from workflow.programme.privacy.errors import REOPEN, CaseAnonymised
from workflow.programme.privacy.models import AnonymisedCaseRow, RetentionRunRow
from workflow.programme.privacy.services import (
    access_cutoff,
    count_expired_access,
    purge_access_log,
)
from workflow.programme.shared.cases import FAMILY_WORKFLOW
from workflow.runtime import Runtime
from workflow.unit_of_work import UnitOfWork

#: What the case's timeline says: that it happened, by which run; nothing that was removed.
ANONYMISED = "anonymised"


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, in a year without one
        return day.replace(year=day.year - years, day=28)


def closed_before(rt: Runtime) -> date:
    """The last closing day (Yerevan) of a case due for anonymisation today."""
    return years_before(local_day(rt.clock.now()), rt.settings.retention_years)


def _closed_at(session: Session, case_ids: list[int], final: set[str]) -> dict[int, datetime]:
    """When each case last entered a final state (a reopened and closed again case
    counts from its last closing)."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseEventRow.case_id, func.max(CaseEventRow.at))
        .where(
            CaseEventRow.case_id.in_(case_ids),
            CaseEventRow.to_state.in_(final),
            CaseEventRow.from_state.is_distinct_from(CaseEventRow.to_state),
        )
        .group_by(CaseEventRow.case_id)
    ).all()
    return {int(case_id): as_utc(at) for case_id, at in rows}


def _final_states(rt: Runtime) -> set[str]:
    definition = rt.machine(FAMILY_WORKFLOW).definition
    return {state.name for state in definition.states if state.final}


def _why_not_due(
    rt: Runtime, case: CaseRow, closed_at: datetime | None, anonymised_at: datetime | None
) -> str | None:
    """None when the case is due; else why not, in one line."""
    if case.workflow != FAMILY_WORKFLOW:
        return f"it is a {case.workflow} case; only family cases are anonymised"
    if anonymised_at is not None:
        return f"it was anonymised already on {local_day(anonymised_at).isoformat()}"
    if not rt.machine_of(case).definition.is_final(case.state) or closed_at is None:
        reopened = " (it was reopened)" if closed_at is not None else ""
        return f"it is {case.state}, not closed{reopened}"
    last_day = closed_before(rt)
    closed_on = local_day(closed_at)
    if closed_on > last_day:
        due_on = years_before(closed_on, -rt.settings.retention_years)
        return (
            f"it was closed on {closed_on.isoformat()}, less than "
            f"{rt.settings.retention_years} year(s) ago: due on or after {due_on.isoformat()}"
        )
    return None


def _plan(
    rt: Runtime, session: Session, case_ids: tuple[int, ...] | None
) -> tuple[list[DueCase], dict[int, str]]:
    final = _final_states(rt)
    query = select(CaseRow).order_by(CaseRow.id)
    if case_ids is not None:
        query = query.where(CaseRow.id.in_(case_ids))
    else:
        query = query.where(CaseRow.workflow == FAMILY_WORKFLOW, CaseRow.state.in_(final))
    cases = session.scalars(query).all()
    if case_ids is not None:
        missing = sorted(set(case_ids) - {case.id for case in cases})
        if missing:
            raise CaseNotFound(missing[0])
    closed = _closed_at(session, [case.id for case in cases], final)
    anonymised = dict(
        session.execute(select(AnonymisedCaseRow.case_id, AnonymisedCaseRow.anonymised_at)).all()
    )
    due: list[DueCase] = []
    not_due: dict[int, str] = {}
    for case in cases:
        why = _why_not_due(rt, case, closed.get(case.id), anonymised.get(case.id))
        if why is not None:
            not_due[case.id] = why
            continue
        removes = personal_rows(session, case.id, rt.settings)
        due.append(DueCase(case_id=case.id, closed_at=closed[case.id], removes=removes))
    return due, not_due


def run_retention(rt: Runtime, command: RunRetention) -> RetentionReport:
    """List (dry run) or anonymise every case due, and purge the old access log."""
    actor = require_actor(command.actor)
    last_day = closed_before(rt)
    with rt.session_factory() as session:
        due, not_due = _plan(rt, session, command.case_ids)
    with rt.unit_of_work() as uow:
        run = RetentionRunRow(
            started_at=rt.clock.now(),
            actor=actor,
            dry_run=command.dry_run,
            retention_years=rt.settings.retention_years,
            closed_before=last_day,
            cases_count=0,
            case_ids=[],
            access_entries_purged=0,
        )
        uow.session.add(run)
        uow.session.flush()
        run_id = run.id
        uow.commit()
    problems: dict[int, str] = {}
    done: list[DueCase] = []
    if command.dry_run:
        done = due
        with rt.unit_of_work() as uow:
            purged = count_expired_access(uow, access_cutoff(rt))
    else:
        for case in due:
            try:
                with rt.unit_of_work() as uow:
                    removed = _anonymise_case(rt, uow, case, run_id=run_id, actor=actor)
                    uow.commit()
            except HogatarError as exc:
                problems[case.case_id] = str(exc)
                continue
            if removed is not None:
                done.append(DueCase(case.case_id, case.closed_at, removed))
        with rt.unit_of_work() as uow:
            purged = purge_access_log(uow, access_cutoff(rt))
            uow.commit()
    with rt.unit_of_work() as uow:
        row = uow.session.get(RetentionRunRow, run_id)
        assert row is not None
        row.finished_at = rt.clock.now()
        row.cases_count = len(done)
        row.case_ids = [case.case_id for case in done]
        row.access_entries_purged = purged
        row.problems = "\n".join(f"case {i}: {why}" for i, why in problems.items()) or None
        uow.commit()
    return RetentionReport(
        run_id=run_id,
        dry_run=command.dry_run,
        retention_years=rt.settings.retention_years,
        closed_before=last_day,
        due=done,
        not_due=not_due if command.case_ids is not None else {},
        access_entries_purged=purged,
        problems=problems,
    )


def _anonymise_case(
    rt: Runtime, uow: UnitOfWork, due: DueCase, *, run_id: int, actor: str
) -> dict[str, int] | None:
    """Anonymise one case under its lock, if it is still due; what was removed."""
    session = uow.session
    case = session.scalar(select(CaseRow).where(CaseRow.id == due.case_id).with_for_update())
    if case is None:
        raise CaseNotFound(due.case_id)
    closed = _closed_at(session, [case.id], _final_states(rt)).get(case.id)
    marked = session.get(AnonymisedCaseRow, case.id)
    if _why_not_due(rt, case, closed, marked.anonymised_at if marked else None) is not None:
        return None  # reopened or anonymised meanwhile: nothing to do
    assert closed is not None
    removed = anonymise(session, case.id, rt.settings)
    now = rt.clock.now()
    session.add(
        AnonymisedCaseRow(
            case_id=case.id, anonymised_at=now, run_id=run_id, closed_at=closed, removed=removed
        )
    )
    session.refresh(case)
    note_activity(
        uow,
        case=case,
        kind=ANONYMISED,
        actor=actor,
        now=now,
        data={"retention_run_id": run_id, "retention_years": rt.settings.retention_years},
    )
    return removed


def refuse_reopening(
    rt: Runtime, uow: UnitOfWork, case: CaseRow, from_state: str, to_state: str, actor: str
) -> None:
    """A transition listener: an anonymised case leaves its final state for nothing (its
    family file is gone). Raising here undoes the whole transition."""
    definition = rt.machine_of(case).definition
    if not definition.is_final(from_state) or definition.is_final(to_state):
        return
    marked = uow.session.get(AnonymisedCaseRow, case.id)
    if marked is not None:
        raise CaseAnonymised(case.id, marked.anonymised_at, REOPEN)


def anonymised_at(session: Session, case_id: int) -> datetime | None:
    marked = session.get(AnonymisedCaseRow, case_id)
    return marked.anonymised_at if marked else None
