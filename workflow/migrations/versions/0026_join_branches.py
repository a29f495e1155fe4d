"""join the four migrations added side by side on 0021 into one head

Household members' history (0022), documents (0023), the administration (0024) and home
visits with plan reviews (0025) were built at the same time, each on 0021; they touch
different tables, so they apply in any order. This revision changes nothing but makes
`hogatar db upgrade` have a single head again.

Revision ID: 0026
Revises: 0022_member_history, 0023_documents, 0024_administration, 0025_visits_and_reviews
Create Date: 2026-12-02 06:45:00
"""

from __future__ import annotations

revision = "0026"
down_revision = (
    "0022_member_history",
    "0023_documents",
    "0024_administration",
    "0025_visits_and_reviews",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
