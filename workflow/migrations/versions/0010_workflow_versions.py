"""workflow versions: every definition a workflow has had, and the version each case runs on

A changed config/workflows file used to apply at once to every running case, including
cases in a state the new file no longer has. Definitions are now stored per version and
each case keeps the version it started on until it is migrated on purpose. Cases that
exist already ran on the definition of the day: they are version 1, which the first
start-up after this migration records from the file.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "workflow_versions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("workflow", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workflow_versions"),
        sa.UniqueConstraint("workflow", "version", name="uq_workflow_versions_workflow_version"),
        sa.UniqueConstraint("workflow", "content_hash", name="uq_workflow_versions_workflow_hash"),
    )
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("workflow_version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("workflow_version")
    op.drop_table("workflow_versions")
