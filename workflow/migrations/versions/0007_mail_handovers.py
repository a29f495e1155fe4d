"""mail handovers: which mails the mail server has accepted, by Message-ID

A worker writes the row in its own short transaction right after the server accepted
the mail, before the effect's transaction commits, so a redelivered effect finds it and
does not send the mail again. No foreign key to the outbox on purpose: the effect's
transaction holds its outbox row locked, and the key check would wait for that lock.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_handovers",
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
        sa.Column("handed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_mail_handovers")),
    )


def downgrade() -> None:
    op.drop_table("mail_handovers")
