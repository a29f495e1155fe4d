"""staff phone; a delivery may be a counselling session

Mails name the responsible worker with a phone and an e-mail to reach them, so staff
records gain a phone. A counselling session held while the plan has the matching
counselling service is recorded as a delivery of that service, linked to the session.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
    with op.batch_alter_table("service_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counselling_session_id", ID, nullable=True))
        batch_op.create_foreign_key(
            "fk_service_deliveries_counselling_session",
            "counselling_sessions",
            ["counselling_session_id"],
            ["id"],
        )
        batch_op.create_index(
            "ix_service_deliveries_counselling_session_id", ["counselling_session_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("service_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_service_deliveries_counselling_session_id")
        batch_op.drop_constraint(
            "fk_service_deliveries_counselling_session",
            type_="foreignkey",
        )
        batch_op.drop_column("counselling_session_id")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("phone")
