"""foster care: the pilot's second workflow, a prospective foster family's file

A foster-care case (config/workflows/foster_care.toml) is opened by the family's inquiry
and carries one row per step: application, home assessment, training sessions, the
guardianship and trusteeship commission's decision, the child matched (reference,
initials and age only), the placement and the monitoring visits.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _case_step(table: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    """A step of a case's file: its id, its case, what it records, who recorded it when."""
    op.create_table(
        table,
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        *columns,
        sa.Column("recorded_by", sa.String(120), nullable=False),
        _moment("recorded_at"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f(f"fk_{table}_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_case_id"), table, ["case_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "foster_families",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("family_name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("community_id", Id, nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(64), nullable=True),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children_in_household", sa.Integer(), nullable=False),
        sa.Column("motivation", sa.Text(), nullable=True),
        sa.Column("inquiry_source", sa.String(200), nullable=True),
        sa.Column("social_worker_id", Id, nullable=True),
        _moment("created_at"),
        _moment("updated_at"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_foster_families_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_foster_families_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["social_worker_id"],
            ["staff.id"],
            name=op.f("fk_foster_families_social_worker_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foster_families")),
        sa.UniqueConstraint("case_id", name=op.f("uq_foster_families_case_id")),
    )
    op.create_index(op.f("ix_foster_families_name_key"), "foster_families", ["name_key"])
    op.create_index(op.f("ix_foster_families_community_id"), "foster_families", ["community_id"])
    op.create_index(
        op.f("ix_foster_families_social_worker_id"), "foster_families", ["social_worker_id"]
    )
    _case_step(
        "foster_applications",
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
    )
    _case_step(
        "foster_home_assessments",
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column(
            "assessor_id",
            Id,
            sa.ForeignKey("staff.id", name=op.f("fk_foster_home_assessments_assessor_id_staff")),
            nullable=False,
        ),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
    )
    _case_step(
        "foster_training_sessions",
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("modules", sa.JSON(), nullable=False),
        sa.Column("trainer", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
    )
    _case_step(
        "foster_commission_decisions",
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("decision_number", sa.String(64), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
    )
    _case_step(
        "foster_matches",
        sa.Column("child_reference", sa.String(64), nullable=False),
        sa.Column("child_initials", sa.String(16), nullable=False),
        sa.Column("child_age", sa.Integer(), nullable=False),
        sa.Column("matched_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
    )
    _case_step(
        "foster_placements",
        sa.Column(
            "match_id",
            Id,
            sa.ForeignKey(
                "foster_matches.id", name=op.f("fk_foster_placements_match_id_foster_matches")
            ),
            nullable=False,
        ),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
    )
    _case_step(
        "foster_monitoring_visits",
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column(
            "visitor_id",
            Id,
            sa.ForeignKey("staff.id", name=op.f("fk_foster_monitoring_visits_visitor_id_staff")),
            nullable=False,
        ),
        sa.Column("observations", sa.Text(), nullable=False),
        sa.Column("next_visit_due", sa.Date(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "foster_monitoring_visits",
        "foster_placements",
        "foster_matches",
        "foster_commission_decisions",
        "foster_training_sessions",
        "foster_home_assessments",
        "foster_applications",
    ):
        op.drop_index(op.f(f"ix_{table}_case_id"), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f("ix_foster_families_social_worker_id"), table_name="foster_families")
    op.drop_index(op.f("ix_foster_families_community_id"), table_name="foster_families")
    op.drop_index(op.f("ix_foster_families_name_key"), table_name="foster_families")
    op.drop_table("foster_families")
