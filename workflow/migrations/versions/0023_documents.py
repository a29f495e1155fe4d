"""documents: files attached to a case or a household member, kept outside the database

A document row names its case (scoped sessions keep it to the viewer's cases), the
member it is about if any, its kind (config/programme/documents.toml), the name it was
uploaded under, its content type and size, the sha256 under which the store keeps its
content (None once anonymisation removed it), its expiry for kinds that expire, and who
attached it when. Branches from 0021 beside the other features built at the same time;
a merge revision joins them.

Revision ID: 0023_documents
Revises: 0021
Create Date: 2026-12-02 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_documents"
down_revision = "0021"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("member_id", Id, nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("uploaded_by", sa.String(120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_documents_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["household_members.id"],
            name=op.f("fk_documents_member_id_household_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index(op.f("ix_documents_case_id"), "documents", ["case_id"])
    op.create_index(op.f("ix_documents_sha256"), "documents", ["sha256"])


def downgrade() -> None:
    op.drop_table("documents")
