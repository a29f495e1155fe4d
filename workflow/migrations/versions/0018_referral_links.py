"""referral_links: the links partners answer a referral by, without an account

Each row is one link mailed to a partner: the SHA-256 of its random token (never the
token), the referral (and its case) it answers, the effect that mailed it, when it
expires and when it was revoked.
``HOGATAR_REFERRAL_LINK_DAYS`` says how long a new link works.

Revision ID: 0018_referral_links
Revises: 0016
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_referral_links"
down_revision = "0016"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "referral_links",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("referral_id", Id, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("outbox_id", Id, nullable=True),
        _moment("issued_at"),
        _moment("expires_at"),
        _moment("revoked_at", nullable=True),
        sa.Column("revoked_by", sa.String(120), nullable=True),
        _moment("first_opened_at", nullable=True),
        # No foreign keys: the mail's effect writes the link in a transaction of its own
        # while it holds the referral locked; a key check would wait on that lock forever.
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_referral_links_token_hash")),
        sa.UniqueConstraint("outbox_id", name=op.f("uq_referral_links_outbox_id")),
    )
    op.create_index(op.f("ix_referral_links_referral_id"), "referral_links", ["referral_id"])
    op.create_index(op.f("ix_referral_links_case_id"), "referral_links", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_referral_links_case_id"), table_name="referral_links")
    op.drop_index(op.f("ix_referral_links_referral_id"), table_name="referral_links")
    op.drop_table("referral_links")
