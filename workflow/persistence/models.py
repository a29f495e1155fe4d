"""The tables. Every write of a transition (case, timeline event, outbox rows) happens in
one transaction; the ledger and incidents are written by workers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Integer on SQLite so that ids autoincrement (SQLite only does that for INTEGER PRIMARY KEY).
Id = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Moments are stored in UTC and come back aware, on every database.

    SQLite keeps no time zone: without this, 09:00 Yerevan time would be stored as the
    wall-clock 09:00 and read back as 09:00 UTC, four hours late.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        # Moments compared with a column are stored the same way (UTC); but
        # `created_at - timedelta(...)` binds an interval, not a moment.
        if isinstance(value, datetime):
            return self
        return self.impl.coerce_compared_value(op, value)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a moment without a time zone cannot be stored: {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON}


class CaseBound:
    """Mixin of every model whose rows are part of one case (a ``case_id`` that is never
    empty): a reader's scope reaches all of them through one loader option on this mixin
    (``workflow.scoping``) instead of one per model on every statement. Each model
    declares its own ``case_id`` (its foreign key, its index); this one is what the
    option's criterion is written against. ``tests/unit/test_scoping_mixins.py`` fails for a
    model with a ``case_id`` that extends neither mixin."""

    case_id: Mapped[int] = mapped_column(Id)


class MaybeCaseBound:
    """As :class:`CaseBound`, for models whose ``case_id`` may be empty: a row tied to no
    case is not a family's data and stays visible (an incident of a system task, an
    access to a list)."""

    case_id: Mapped[int | None] = mapped_column(Id, nullable=True)


class CaseRow(Base):
    __tablename__ = "cases"
    # The caseload filtered by community, state and criterion reads this index alone, in
    # case order, and stops at its page's last row (migration 0027).
    __table_args__ = (Index("ix_cases_caseload_filter", "community_id", "state", "id", "criteria"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    workflow: Mapped[str] = mapped_column(String(64))
    #: The definition version the case runs on (workflow_versions.version), kept until an
    #: operator migrates the case on purpose: a changed file applies to new cases only.
    workflow_version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    family_name: Mapped[str | None] = mapped_column(String(200))
    community: Mapped[str | None] = mapped_column(String(120))
    #: The programme's id of the family's community, copied here by the programme (no
    #: foreign key: the engine knows none of its tables). With the state beside it, a
    #: caseload filtered by community and state reads one index and stops at its page.
    community_id: Mapped[int | None] = mapped_column(Integer)
    #: The criteria of the case's latest assessment, primary first if met, as the
    #: programme copies them: "|risk_of_abandonment|extreme_poverty|" (None: not assessed).
    criteria: Mapped[str | None] = mapped_column(String(300))
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WorkflowVersionRow(Base):
    """Every definition a workflow has had, numbered per workflow: the file that was loaded
    (parsed, so comments and layout make no new version) and its content hash. A case
    pinned to an old version keeps working after its file changed or was deleted."""

    __tablename__ = "workflow_versions"
    __table_args__ = (
        UniqueConstraint("workflow", "version", name="uq_workflow_versions_workflow_version"),
        UniqueConstraint("workflow", "content_hash", name="uq_workflow_versions_workflow_hash"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    workflow: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(255))
    recorded_at: Mapped[datetime]


class CaseEventRow(CaseBound, Base):
    """The timeline: one row per version of a case, so a gap would be visible."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_case_events_case_version"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    version: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CaseActivityRow(CaseBound, Base):
    """Work done around a case that does not change it (a referral mailed, a reminder
    acknowledged, goods ordered): on the timeline, but no new version."""

    __tablename__ = "case_activities"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxRow(Base):
    """One row per effect of a transition. The broker message carries only ``id``."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The sweep looks for pending rows oldest first; keep that scan small on PostgreSQL.
        Index(
            "ix_outbox_pending",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    # Both optional: a sweep's effects belong to no event, a purchase order to no one case.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"), index=True)
    effect: Mapped[str] = mapped_column(String(120))
    queue: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # pending -> published -> done | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    task_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    # A failed attempt waits here for its backoff; the sweep republishes it when due.
    not_before: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    #: When the worker that applied it began (finished_at - started_at: its own run time).
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class EffectLedgerRow(Base):
    """Proof that an effect was applied. The primary key makes a second application fail."""

    __tablename__ = "effect_ledger"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), primary_key=True)
    effect: Mapped[str] = mapped_column(String(120))
    applied_at: Mapped[datetime]
    task_id: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IncidentRow(MaybeCaseBound, Base):
    """An effect that exhausted its retries, for an operator to look at and retry."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    effect: Mapped[str] = mapped_column(String(120))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    # open -> retried (run again) | skipped (resolved without running, with a reason)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    opened_at: Mapped[datetime]
    # When and by whom it was resolved, by a retry or a skip.
    retried_at: Mapped[datetime | None]
    retried_by: Mapped[str | None] = mapped_column(String(120))
    resolution_reason: Mapped[str | None] = mapped_column(Text)


class MailHandoverRow(Base):
    """A mail the server accepted, written right after acceptance in a transaction of its
    own: a redelivered effect finds it and does not send that Message-ID again. No
    foreign key to the outbox: the effect holds its outbox row locked meanwhile."""

    __tablename__ = "mail_handovers"

    message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column(Id)
    handed_at: Mapped[datetime]


class ApprovalRow(CaseBound, Base):
    """A transition that needs approval, requested and waiting for its tiers in order.

    pending -> approved (the transition fired) | rejected | cancelled (withdrawn by the
    requester) | lapsed (the case moved on and the trigger is no longer allowed).
    ``tiers`` are roles in the order they decide; ``approved_tiers`` counts those decided
    so far, so the tier awaited is ``tiers[approved_tiers]`` and a later tier cannot be
    decided before an earlier one. ``decisions`` keeps who decided each tier, when, how.
    """

    __tablename__ = "approval_requests"
    __table_args__ = (
        # One pending request per case and trigger: a second request is refused, even
        # when two are made at the same moment.
        Index(
            "ix_approval_requests_pending_case_trigger",
            "case_id",
            "trigger",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: The definition version the request was judged against (the case's own).
    workflow_version: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime]
    tiers: Mapped[list[str]] = mapped_column(JSON)
    approved_tiers: Mapped[int] = mapped_column(Integer, default=0)
    decisions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), index=True)
    #: When the tier now awaited is due (reminders go to its approvers then); each tier
    #: gets ``deadline_days`` from the moment it starts waiting.
    deadline_days: Mapped[int] = mapped_column(Integer)
    deadline_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(120))
    #: Why it was rejected, cancelled or lapsed.
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    #: The timeline event of the transition, once the last tier approved it.
    case_event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"))
