"""privacy: the access log, retention runs and anonymised cases

Every view of a family file, document download and export is logged (who, when, what,
from where); the retention job records each run and the cases it anonymised. Branches
from 0011 beside 0012; a merge revision joins them.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        _moment("at"),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("case_id", Id, nullable=True),
        sa.Column("detail", sa.String(500), nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_access_log_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index("ix_access_log_case_at", "access_log", ["case_id", "at"])
    op.create_index("ix_access_log_actor_at", "access_log", ["actor", "at"])
    op.create_index("ix_access_log_at", "access_log", ["at"])
    op.create_table(
        "retention_runs",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        _moment("started_at"),
        _moment("finished_at", nullable=True),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("retention_years", sa.Integer(), nullable=False),
        sa.Column("closed_before", sa.Date(), nullable=False),
        sa.Column("cases_count", sa.Integer(), nullable=False),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.Column("access_entries_purged", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_table(
        "anonymised_cases",
        sa.Column("case_id", Id, nullable=False),
        _moment("anonymised_at"),
        sa.Column("run_id", Id, nullable=True),
        _moment("closed_at"),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_anonymised_cases_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["retention_runs.id"],
            name=op.f("fk_anonymised_cases_run_id_retention_runs"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_anonymised_cases")),
    )


def downgrade() -> None:
    op.drop_table("anonymised_cases")
    op.drop_table("retention_runs")
    op.drop_index("ix_access_log_at", table_name="access_log")
    op.drop_index("ix_access_log_actor_at", table_name="access_log")
    op.drop_index("ix_access_log_case_at", table_name="access_log")
    op.drop_table("access_log")
