"""form submissions: one-time tokens of the forms that change something

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:40:00

A form carries a one-time token; its first submission claims the token here and records
where it led, so the same form sent again (Back and save, a double click) shows that
result instead of recording the change twice. Hand-written, plain CREATE TABLE, so it
runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("staff_id", ID, nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_form_submissions_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submissions")),
    )
    op.create_index(
        op.f("ix_form_submissions_claimed_at"), "form_submissions", ["claimed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_form_submissions_claimed_at"), table_name="form_submissions")
    op.drop_table("form_submissions")
