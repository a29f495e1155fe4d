"""Tables of data protection: who looked at which family file (the access log), each run
of the retention job, and the cases it anonymised.

The app writes access-log rows and never changes or deletes one; only the retention job
purges those older than ``HOGATAR_ACCESS_LOG_RETENTION_DAYS``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id, MaybeCaseBound


class AccessLogRow(MaybeCaseBound, Base):
    """One look at personal data: a family file viewed, a document downloaded, an export."""

    __tablename__ = "access_log"
    __table_args__ = (
        # The two listings (per case, per person) and the purge by age.
        Index("ix_access_log_case_at", "case_id", "at"),
        Index("ix_access_log_actor_at", "actor", "at"),
        Index("ix_access_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    #: A staff username, or ``cli:NAME`` / ``system:NAME``.
    actor: Mapped[str] = mapped_column(String(120))
    #: ``view_case``, ``download_document``, ``export_cases``, ... (``ACCESS_KINDS``).
    kind: Mapped[str] = mapped_column(String(40))
    #: None for what spans cases (an export of every case, a report).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    #: What exactly: a file name, a report name, a filter; never a family's data.
    detail: Mapped[str | None] = mapped_column(String(500))
    #: The client's IP address for the web app, ``cli`` for the command line.
    source: Mapped[str] = mapped_column(String(64))


class RetentionRunRow(Base):
    """One run of the retention job (dry or real): who, when, under which rule, and which
    cases it listed or anonymised."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    actor: Mapped[str] = mapped_column(String(120))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    retention_years: Mapped[int] = mapped_column(Integer)
    #: Cases closed on or before this day (Yerevan) were due.
    closed_before: Mapped[date] = mapped_column(Date)
    cases_count: Mapped[int] = mapped_column(Integer, default=0)
    case_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Access-log entries purged (or, for a dry run, that would be).
    access_entries_purged: Mapped[int] = mapped_column(Integer, default=0)
    #: Cases that could not be anonymised, with why (one line each).
    problems: Mapped[str | None] = mapped_column(Text)


class AnonymisedCaseRow(CaseBound, Base):
    """A case whose personal data the retention job removed; it cannot be reopened."""

    __tablename__ = "anonymised_cases"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    anonymised_at: Mapped[datetime]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("retention_runs.id"))
    closed_at: Mapped[datetime]
    #: Rows blanked per table (no values).
    removed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
