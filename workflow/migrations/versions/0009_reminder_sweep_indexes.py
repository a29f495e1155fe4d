"""reminders: partial indexes for beat's sweep, so it costs the same with a million cases

The sweep asks for scheduled reminders due by now, oldest first, and for sent ones
whose acknowledgement is overdue. On the plain due_at index PostgreSQL walks every
finished reminder that was due in the past (three or more per case over the years)
before it finds a scheduled one; these indexes hold only the rows the sweep can claim.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_reminders_scheduled_due",
        "reminders",
        ["due_at", "id"],
        postgresql_where=sa.text("status = 'scheduled'"),
        sqlite_where=sa.text("status = 'scheduled'"),
    )
    op.create_index(
        "ix_reminders_sent_escalation",
        "reminders",
        ["escalation_due_at", "id"],
        postgresql_where=sa.text("status = 'sent'"),
        sqlite_where=sa.text("status = 'sent'"),
    )


def downgrade() -> None:
    op.drop_index("ix_reminders_sent_escalation", table_name="reminders")
    op.drop_index("ix_reminders_scheduled_due", table_name="reminders")
