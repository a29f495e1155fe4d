"""cases: the community copy for foster-care cases too

Migration 0027 gave the case row a copy of its family's community for the caseload's
filter, but filled it from the families of the family strengthening workflow only: a
foster-care case (its family file is a foster family) kept none, so filtering the
caseload by community never found one. The foster intake now writes the copy; this
fills it for the foster cases opened before.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 07:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE cases SET community_id = (SELECT foster_families.community_id"
        " FROM foster_families WHERE foster_families.case_id = cases.id)"
        " WHERE community_id IS NULL"
        " AND EXISTS (SELECT 1 FROM foster_families WHERE foster_families.case_id = cases.id)"
    )


def downgrade() -> None:
    # The copy is harmless to keep, and 0027's downgrade drops the column.
    pass
