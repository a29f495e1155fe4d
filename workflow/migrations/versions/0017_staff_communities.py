"""staff communities: the communities each staff member works in

Scoped access reads them: a social worker reads the open cases of their communities, a
manager (when the programme scopes managers) the cases of theirs. Branches from 0016
beside the other features built at the same time; a merge revision joins them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff_communities",
        sa.Column("staff_id", Id, nullable=False),
        sa.Column("community_id", Id, nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_communities_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_staff_communities_community_id_communities"),
        ),
        sa.PrimaryKeyConstraint("staff_id", "community_id", name=op.f("pk_staff_communities")),
    )
    op.create_index(
        op.f("ix_staff_communities_community_id"), "staff_communities", ["community_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_communities_community_id"), table_name="staff_communities")
    op.drop_table("staff_communities")
