"""administration: temporary passwords, one-time password links, and the admin history

An admin gives a staff member either a temporary password, which they must change at
their first login (``staff.must_change_password``), or a one-time link to choose a
password (``password_resets``: only the token's SHA-256, when it expires, when it was
used). Every change of staff, partners and communities, from the web or the CLI, is kept
in ``admin_history`` (who, when, what, before and after). Branches from 0021 beside the
other features built at the same time; a merge revision joins them.

Revision ID: 0024_administration
Revises: 0021
Create Date: 2026-12-02 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_administration"
down_revision = "0021"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "password_resets",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("staff_id", Id, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        _moment("created_at"),
        _moment("expires_at"),
        _moment("used_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_password_resets_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_password_resets")),
    )
    op.create_index(op.f("ix_password_resets_staff_id"), "password_resets", ["staff_id"])
    op.create_table(
        "admin_history",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        _moment("at"),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("area", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_history")),
    )
    for column in ("at", "actor", "area", "subject"):
        op.create_index(op.f(f"ix_admin_history_{column}"), "admin_history", [column])


def downgrade() -> None:
    op.drop_table("admin_history")
    op.drop_index(op.f("ix_password_resets_staff_id"), table_name="password_resets")
    op.drop_table("password_resets")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("must_change_password")
