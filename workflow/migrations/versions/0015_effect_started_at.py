"""outbox: when a worker started an effect, so its run time is measured apart from its wait

The metrics had one latency (commit to done), which mixes the wait in the queue with the
effect's own work (an SMTP conversation, a purchase order). With the start recorded,
`hogatar metrics` reports how long effects run, by effect.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("started_at")
