"""web accounts: login failures and lockout, server-side sessions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 16:00:00

Hand-written, plain CREATE TABLE / CREATE INDEX, so it runs unchanged on SQLite and
PostgreSQL. Kept apart from ``staff`` so the case model owns its table alone; a deleted
session row is a logged-out session, whatever cookie a browser still holds.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "login_state",
        sa.Column("staff_id", _id(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_login_state_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_login_state")),
    )
    op.create_table(
        "web_sessions",
        # SHA-256 of the cookie's token: a leaked table does not hand out live sessions.
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", _id(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_web_sessions_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_staff_id"), "web_sessions", ["staff_id"], unique=False)
    op.create_index(
        op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_web_sessions_expires_at"), table_name="web_sessions")
    op.drop_index(op.f("ix_web_sessions_staff_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("login_state")
