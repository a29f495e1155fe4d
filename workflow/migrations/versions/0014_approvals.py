"""approvals: transitions that need approval, reminders of them, procurement's second approver

A transition declaring ``approval = { tiers = [...] }`` records a request
(``approval_requests``) instead of moving the case; its tiers are decided in order and
the last approval fires it. A pending request's approvers are reminded (``reminders``
gain the request they are about). Procurement above
``HOGATAR_PROCUREMENT_SECOND_APPROVAL_AMD`` needs a second approver after the first
(``procurement_requests`` keep who approved first, and when).

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-02 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(64), nullable=False),
        sa.Column("from_state", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(120), nullable=False),
        _moment("requested_at"),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("approved_tiers", sa.Integer(), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=False),
        _moment("deadline_at"),
        _moment("closed_at", nullable=True),
        sa.Column("closed_by", sa.String(120), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("case_event_id", Id, nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_approval_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["case_event_id"],
            ["case_events.id"],
            name=op.f("fk_approval_requests_case_event_id_case_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    op.create_index(op.f("ix_approval_requests_case_id"), "approval_requests", ["case_id"])
    op.create_index(op.f("ix_approval_requests_status"), "approval_requests", ["status"])
    op.create_index(
        "ix_approval_requests_pending_case_trigger",
        "approval_requests",
        ["case_id", "trigger"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )
    # Plain ADD COLUMN (no batch copy of the tables on SQLite, which would lose their
    # partial indexes); no foreign key for the same reason, the index is what is used.
    op.add_column("reminders", sa.Column("approval_id", Id, nullable=True))
    op.create_index(op.f("ix_reminders_approval_id"), "reminders", ["approval_id"])
    op.add_column(
        "procurement_requests", sa.Column("first_approved_by", sa.String(120), nullable=True)
    )
    op.add_column("procurement_requests", _moment("first_approved_at", nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("procurement_requests") as batch:
        batch.drop_column("first_approved_at")
        batch.drop_column("first_approved_by")
    op.drop_index(op.f("ix_reminders_approval_id"), table_name="reminders")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("approval_id")
    op.drop_index("ix_approval_requests_pending_case_trigger", table_name="approval_requests")
    op.drop_index(op.f("ix_approval_requests_status"), table_name="approval_requests")
    op.drop_index(op.f("ix_approval_requests_case_id"), table_name="approval_requests")
    op.drop_table("approval_requests")
