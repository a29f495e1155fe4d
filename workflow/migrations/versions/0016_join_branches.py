"""join the four migrations added side by side on 0011 into one head

Consent purposes (0012), data protection (0013), approvals (0014) and the effect start
time (0015) were built at the same time, each on 0011; they touch different tables, so
they apply in any order. This revision changes nothing but makes `hogatar db upgrade`
have a single head again.

Revision ID: 0016
Revises: 0012, 0013, 0014, 0015
Create Date: 2026-12-02 01:15:00
"""

from __future__ import annotations

revision = "0016"
down_revision = ("0012", "0013", "0014", "0015")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
