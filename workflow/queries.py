"""Read side: plain dictionaries for the CLI (--json), the web app and tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from workflow.clock import as_utc
from workflow.errors import CaseNotFound
from workflow.persistence.models import (
    CaseActivityRow,
    CaseEventRow,
    CaseRow,
    IncidentRow,
    OutboxRow,
)
from workflow.runtime import Runtime

OUTBOX_STATUSES = ("pending", "published", "done", "failed")


def case_view(rt: Runtime, *, case_id: int) -> dict[str, Any]:
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        events = session.scalars(
            select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.id)
        ).all()
        # Effects of transitions sit under their event; effects queued by sweeps and
        # staff actions (a referral mail, a reminder) are listed with the case's activity.
        effects_by_event: dict[int | None, list[dict[str, Any]]] = {}
        for row in session.scalars(
            select(OutboxRow).where(OutboxRow.case_id == case_id).order_by(OutboxRow.id)
        ):
            effects_by_event.setdefault(row.event_id, []).append(_effect_view(row))
        activities = session.scalars(
            select(CaseActivityRow)
            .where(CaseActivityRow.case_id == case_id)
            .order_by(CaseActivityRow.id)
        ).all()
        machine = rt.machine_of(case)
        return {
            "id": case.id,
            "workflow": case.workflow,
            "workflow_version": case.workflow_version,
            "state": case.state,
            "version": case.version,
            "family_name": case.family_name,
            "community": case.community,
            "opened_at": as_utc(case.opened_at).isoformat(),
            "updated_at": as_utc(case.updated_at).isoformat(),
            "allowed_triggers": machine.allowed_triggers(case.state),
            "timeline": [
                {
                    "version": event.version,
                    "trigger": event.trigger,
                    "from": event.from_state,
                    "to": event.to_state,
                    "actor": event.actor,
                    "at": as_utc(event.at).isoformat(),
                    "reason": event.reason,
                    "data": event.data,
                    "effects": effects_by_event.get(event.id, []),
                }
                for event in events
            ],
            "activities": [
                {
                    "kind": activity.kind,
                    "state": activity.state,
                    "actor": activity.actor,
                    "at": as_utc(activity.at).isoformat(),
                    "reason": activity.reason,
                    "data": activity.data,
                }
                for activity in activities
            ],
            "background_effects": effects_by_event.get(None, []),
        }


def _effect_view(row: OutboxRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.effect,
        "queue": row.queue,
        "status": row.status,
        "attempts": row.attempts,
        "task_id": row.task_id,
        "last_error": row.last_error,
    }


def outbox_counts(rt: Runtime) -> dict[str, int]:
    with rt.session_factory() as session:
        rows = session.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        ).all()
    counts = dict.fromkeys(OUTBOX_STATUSES, 0)
    counts.update({status: int(count) for status, count in rows})
    return counts


def oldest_waiting(rt: Runtime) -> dict[str, Any] | None:
    """The oldest outbox row not yet done or failed (pending or published), with its age:
    a pipeline that is stuck shows here at a glance, long before anyone misses a mail."""
    with rt.session_factory() as session:
        row = session.execute(
            select(OutboxRow.id, OutboxRow.effect, OutboxRow.status, OutboxRow.created_at)
            .where(OutboxRow.status.in_(("pending", "published")))
            .order_by(OutboxRow.id)
            .limit(1)
        ).first()
    if row is None:
        return None
    since = as_utc(row.created_at)
    return {
        "outbox_id": row.id,
        "effect": row.effect,
        "status": row.status,
        "since": since.isoformat(),
        "age_seconds": round(max(0.0, (rt.clock.now() - since).total_seconds()), 1),
    }


def format_age(seconds: float) -> str:
    """A duration as an operator reads it: "45 s", "3 min 12 s", "2 h 5 min", "3 d 4 h"."""
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def list_incidents(rt: Runtime, *, include_retried: bool = False) -> list[dict[str, Any]]:
    query = select(IncidentRow).order_by(IncidentRow.id)
    if not include_retried:
        query = query.where(IncidentRow.status == "open")
    with rt.session_factory() as session:
        return [
            {
                "id": incident.id,
                "case_id": incident.case_id,
                "outbox_id": incident.outbox_id,
                "effect": incident.effect,
                "attempts": incident.attempts,
                "error": incident.error,
                "status": incident.status,
                "opened_at": as_utc(incident.opened_at).isoformat(),
                "age_seconds": round(
                    max(0.0, (rt.clock.now() - as_utc(incident.opened_at)).total_seconds()), 1
                ),
                "retried_at": as_utc(incident.retried_at).isoformat()
                if incident.retried_at
                else None,
                "retried_by": incident.retried_by,
                "resolution_reason": incident.resolution_reason,
            }
            for incident in session.scalars(query)
        ]
