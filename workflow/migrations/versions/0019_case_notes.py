"""case notes: dated notes on a case, confidential ones, and the texts they were corrected from

A note is written on a case (its kind, the day it is about, its text, whether it is
confidential, who wrote it and when); its author may correct it for a while, and each
correction keeps the earlier text in ``case_note_revisions``. Both tables carry
``case_id`` so scoped sessions keep them to the viewer's cases. Branches from 0016 beside
the other features built at the same time; a merge revision joins them.

Revision ID: 0019_case_notes
Revises: 0016
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_case_notes"
down_revision = "0016"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "case_notes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        _moment("written_at"),
        _moment("corrected_at", nullable=True),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_notes_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_case_id"), "case_notes", ["case_id"])
    op.create_index(op.f("ix_case_notes_author"), "case_notes", ["author"])
    op.create_table(
        "case_note_revisions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("note_id", Id, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _moment("written_at"),
        _moment("replaced_at"),
        sa.Column("replaced_by", sa.String(120), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["case_notes.id"], name=op.f("fk_case_note_revisions_note_id_case_notes")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_note_revisions_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_note_revisions")),
    )
    op.create_index(op.f("ix_case_note_revisions_note_id"), "case_note_revisions", ["note_id"])
    op.create_index(op.f("ix_case_note_revisions_case_id"), "case_note_revisions", ["case_id"])


def downgrade() -> None:
    op.drop_table("case_note_revisions")
    op.drop_table("case_notes")
