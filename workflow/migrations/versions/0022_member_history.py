"""household members keep their history: a removed member is marked, never deleted

A member who left the household, or was entered by mistake, is marked removed (when,
by whom, why) so the case file's history still names them while the household, its
counts and the duplicate check no longer do. Branches from 0021 beside the other
features built at the same time; a merge revision joins them.

Revision ID: 0022_member_history
Revises: 0021
Create Date: 2026-12-02 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_member_history"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("removed_by", sa.String(120), nullable=True))
        batch_op.add_column(sa.Column("removal_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.drop_column("removal_reason")
        batch_op.drop_column("removed_by")
        batch_op.drop_column("removed_at")
