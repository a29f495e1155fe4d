"""consent purposes: what a consent covers, until when, given by whom, its document

A consent record now covers one or more purposes (codes of ``consent_purposes`` in
config/programme/lists.toml: participation, referral, data_sharing, photo), may expire
(``expires_on``), names who gave it (a household member, or a guardian / legal
representative by name) and will point at its signed form (``document_id``: the
documents feature has no table yet, so no foreign key).

Existing records keep their free-text purpose as ``note``. They are mapped
conservatively: every one covers ``participation`` (it is what the enrolment guard
read them as), and ``referral`` only when its text says referral in English or
Armenian. Workers record referral consent for older cases before referring them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: Words of a free-text purpose that mean the family agreed to be referred: English
#: "refer(ral)", Armenian "ուղեգր-" (ուղեգրում, ուղեգրել) and "ուղղորդ-" (ուղղորդում).
REFERRAL_WORDS = re.compile(r"refer|ուղեգր|ուղղորդ", re.IGNORECASE)


def purposes_from_text(text: str | None) -> list[str]:
    """The purposes an old free-text consent covers: participation, and referral only
    when the text says so."""
    purposes = ["participation"]
    if text and REFERRAL_WORDS.search(text.casefold()):
        purposes.append("referral")
    return purposes


def _consents(*columns: sa.Column) -> sa.TableClause:  # type: ignore[type-arg]
    return sa.table("consents", sa.column("id", Id), *columns)


def upgrade() -> None:
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purposes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("given_by_member_id", Id, nullable=True))
        batch_op.add_column(sa.Column("given_by_name", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("document_id", Id, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_consents_given_by_member_id_household_members"),
            "household_members",
            ["given_by_member_id"],
            ["id"],
        )
    connection = op.get_bind()
    old = _consents(sa.column("purpose", sa.Text()))
    new = _consents(sa.column("purposes", sa.JSON()), sa.column("note", sa.Text()))
    for consent_id, text in connection.execute(sa.select(old.c.id, old.c.purpose)).all():
        connection.execute(
            new.update()
            .where(new.c.id == consent_id)
            .values(purposes=purposes_from_text(text), note=text)
        )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.alter_column("purposes", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("purpose")


def downgrade() -> None:
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = _consents(
        sa.column("purposes", sa.JSON()), sa.column("note", sa.Text()), sa.column("purpose")
    )
    for consent_id, purposes, note in connection.execute(
        sa.select(rows.c.id, rows.c.purposes, rows.c.note)
    ).all():
        connection.execute(
            rows.update()
            .where(rows.c.id == consent_id)
            .values(purpose=note or ", ".join(purposes or ()) or "consent")
        )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.alter_column("purpose", existing_type=sa.Text(), nullable=False)
        batch_op.drop_constraint(
            batch_op.f("fk_consents_given_by_member_id_household_members"), type_="foreignkey"
        )
        batch_op.drop_column("document_id")
        batch_op.drop_column("given_by_name")
        batch_op.drop_column("given_by_member_id")
        batch_op.drop_column("expires_on")
        batch_op.drop_column("note")
        batch_op.drop_column("purposes")
