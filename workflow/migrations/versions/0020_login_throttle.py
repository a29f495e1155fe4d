"""login throttle: failed logins counted per username and address, not per account

The lockout counted failures on the staff member's row, so after five failures a real
account answered "locked" while a name that does not exist answered "wrong password"
for ever: anyone could tell which usernames exist, and lock a colleague out from
anywhere. Failures are now counted per (username typed, address it came from), whether
the name exists or not, with a delay that doubles up to a bound; ``login_state`` keeps
only when someone last logged in or failed to.

Revision ID: 0020_login_throttle
Revises: 0016
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_login_throttle"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        # SHA-256 of the username as typed (case-folded): no table of guessed names.
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_key", "source", name=op.f("pk_login_throttle")),
    )
    op.create_index(
        op.f("ix_login_throttle_last_failure_at"),
        "login_throttle",
        ["last_failure_at"],
        unique=False,
    )
    with op.batch_alter_table("login_state") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_count")


def downgrade() -> None:
    with op.batch_alter_table("login_state") as batch:
        batch.add_column(
            sa.Column("failed_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.drop_index(op.f("ix_login_throttle_last_failure_at"), table_name="login_throttle")
    op.drop_table("login_throttle")
