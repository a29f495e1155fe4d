"""Reminders in ``hogatar metrics``: how many wait to be sent, and how many reached their
person and are overdue (the dashboard's definition: sent or escalated, due, not
acknowledged), by kind. Read from the reminder rows at each scrape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from workflow.programme.reminders.models import ReminderRow
from workflow.programme.reminders.queries import OPEN_REMINDERS
from workflow.runtime import Runtime


def reminder_metrics(rt: Runtime) -> Iterator[Any]:
    now = rt.clock.now()
    with rt.session_factory() as session:
        waiting = session.execute(
            select(ReminderRow.kind, ReminderRow.status, func.count())
            .where(ReminderRow.status.in_(("scheduled", *OPEN_REMINDERS)))
            .group_by(ReminderRow.kind, ReminderRow.status)
        ).all()
        overdue = session.execute(
            select(ReminderRow.kind, func.count())
            .where(ReminderRow.status.in_(OPEN_REMINDERS), ReminderRow.due_at <= now)
            .group_by(ReminderRow.kind)
        ).all()
        due_unsent = session.execute(
            select(ReminderRow.kind, func.count())
            .where(ReminderRow.status == "scheduled", ReminderRow.due_at <= now)
            .group_by(ReminderRow.kind)
        ).all()
    open_family = GaugeMetricFamily(
        "hogatar_reminders_open",
        "Reminders not yet acknowledged or cancelled, by kind and status "
        "(scheduled: not sent yet; sent; escalated: the manager was told)",
        labels=["kind", "status"],
    )
    for kind, status, count in waiting:
        open_family.add_metric([kind, status], int(count))
    yield open_family
    due_family = GaugeMetricFamily(
        "hogatar_reminders_due_unsent",
        "Reminders due that beat's sweep has not sent yet, by kind (should stay near 0)",
        labels=["kind"],
    )
    for kind, count in due_unsent:
        due_family.add_metric([kind], int(count))
    yield due_family
    overdue_family = GaugeMetricFamily(
        "hogatar_reminders_overdue",
        "Reminders sent, due and not acknowledged, by kind (the dashboard's overdue figure)",
        labels=["kind"],
    )
    for kind, count in overdue:
        overdue_family.add_metric([kind], int(count))
    yield overdue_family
