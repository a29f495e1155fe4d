"""Prometheus metrics of the engine, read from the database at each scrape.

Everything comes from rows the engine keeps anyway, so every process agrees and a
restart loses nothing: outbox rows by status, open incidents, retries, transitions by
workflow and trigger, the age of the oldest waiting row, histograms of effect latency
(committed to done) and of effect duration (the worker's own time) by effect, and what
the programme adds (``metric_sources``: its reminders). ``hogatar metrics`` serves them
on a port of their own (127.0.0.1 by default); point Prometheus at it.

The histogram is computed over every done row at each scrape, so it stays cumulative
as Prometheus expects; on a very large outbox, archive old rows or scrape less often.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select

from workflow import queries
from workflow.persistence.models import CaseEventRow, CaseRow, IncidentRow, OutboxRow
from workflow.runtime import Runtime

#: Seconds from the commit of an effect's outbox row to the effect done.
LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
#: Seconds a worker spent on one effect (a mail is a round trip to the SMTP server).
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class EngineCollector(Collector):
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[Any]:
        rt = self.rt
        outbox = GaugeMetricFamily(
            "hogatar_outbox_rows", "Outbox rows by status", labels=["status"]
        )
        for status, count in queries.outbox_counts(rt).items():
            outbox.add_metric([status], count)
        yield outbox

        oldest = queries.oldest_waiting(rt)
        yield GaugeMetricFamily(
            "hogatar_outbox_oldest_waiting_seconds",
            "Age of the oldest outbox row not yet done or failed (0 when none waits)",
            value=oldest["age_seconds"] if oldest else 0.0,
        )
        with rt.session_factory() as session:
            incidents = session.scalar(
                select(func.count()).select_from(IncidentRow).where(IncidentRow.status == "open")
            )
            retries = session.execute(
                select(
                    OutboxRow.effect,
                    func.sum(case((OutboxRow.attempts > 1, OutboxRow.attempts - 1), else_=0)),
                ).group_by(OutboxRow.effect)
            ).all()
            transitions = session.execute(
                select(CaseRow.workflow, CaseEventRow.trigger, func.count())
                .join(CaseRow, CaseRow.id == CaseEventRow.case_id)
                .group_by(CaseRow.workflow, CaseEventRow.trigger)
            ).all()
            done = session.execute(
                select(
                    OutboxRow.effect,
                    OutboxRow.created_at,
                    OutboxRow.finished_at,
                    OutboxRow.started_at,
                ).where(OutboxRow.status == "done", OutboxRow.finished_at.is_not(None))
            ).all()
        yield GaugeMetricFamily(
            "hogatar_incidents_open", "Effects that failed every retry", value=incidents or 0
        )
        retried = CounterMetricFamily(
            "hogatar_effect_retries",
            "Failed attempts that were retried, by effect",
            labels=["effect"],
        )
        for effect, count in retries:
            retried.add_metric([effect], int(count or 0))
        yield retried
        moved = CounterMetricFamily(
            "hogatar_transitions",
            "Timeline events (transitions and case opening) by workflow and trigger",
            labels=["workflow", "trigger"],
        )
        for workflow, trigger, count in transitions:
            moved.add_metric([workflow, trigger], int(count))
        yield moved
        yield latency_histogram(
            [(effect, created, finished) for effect, created, finished, _ in done]
        )
        yield duration_histogram(
            [(effect, started, finished) for effect, _, finished, started in done if started]
        )
        for source in rt.metric_sources:
            yield from source(rt)


def latency_histogram(rows: Sequence[Any]) -> HistogramMetricFamily:
    """(effect, committed at, done at): the wait in the queue and the run together."""
    return _histogram(
        rows,
        "hogatar_effect_latency_seconds",
        "Seconds from an effect's commit to the effect done, by effect",
        LATENCY_BUCKETS,
    )


def duration_histogram(rows: Sequence[Any]) -> HistogramMetricFamily:
    """(effect, started at, done at): the effect's own work (an SMTP conversation, a
    purchase order), apart from its wait; rows done before migration 0015 have no start."""
    return _histogram(
        rows,
        "hogatar_effect_duration_seconds",
        "Seconds a worker spent applying an effect, by effect",
        DURATION_BUCKETS,
    )


def _histogram(
    rows: Sequence[Any], name: str, documentation: str, bounds: Sequence[float]
) -> HistogramMetricFamily:
    by_effect: dict[str, list[float]] = {}
    for effect, start, end in rows:
        by_effect.setdefault(effect, []).append(max(0.0, (end - start).total_seconds()))
    histogram = HistogramMetricFamily(name, documentation, labels=["effect"])
    for effect, values in sorted(by_effect.items()):
        buckets = [(str(le), sum(1 for v in values if v <= le)) for le in bounds]
        buckets.append(("+Inf", len(values)))
        histogram.add_metric([effect], buckets, sum_value=sum(values))
    return histogram
