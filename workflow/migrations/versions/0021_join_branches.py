"""join the four migrations added side by side on 0016 into one head

Staff communities (0017), partners' referral links (0018), case notes (0019) and the
login throttle (0020) were built at the same time, each on 0016; they touch different
tables, so they apply in any order. This revision changes nothing but makes
`hogatar db upgrade` have a single head again.

Revision ID: 0021
Revises: 0017, 0018_referral_links, 0019_case_notes, 0020_login_throttle
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

revision = "0021"
down_revision = ("0017", "0018_referral_links", "0019_case_notes", "0020_login_throttle")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
