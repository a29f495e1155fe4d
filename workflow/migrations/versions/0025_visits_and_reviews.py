"""home visits, the service plan's goals and its reviews

A home visit records its day, who went (staff ids), who was met (household members'
ids, anyone else in words), the observations and when the next visit is due (its
reminder is a row of ``reminders``, kind ``home_visit_due``). A plan's goals say what,
by when and where they stand; a review records who took part, the decision per goal and
the next review's date (kind ``plan_review_due``). Every table carries ``case_id`` so
scoped sessions keep them to the viewer's cases. Branches from 0021 beside the other
features built at the same time; a merge revision joins them.

Revision ID: 0025_visits_and_reviews
Revises: 0021
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_visits_and_reviews"
down_revision = "0021"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _case(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"], ["cases.id"], name=op.f(f"fk_{table}_case_id_cases")
    )


def upgrade() -> None:
    op.create_table(
        "home_visits",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitor_ids", sa.JSON(), nullable=False),
        sa.Column("met_member_ids", sa.JSON(), nullable=False),
        sa.Column("met_others", sa.Text(), nullable=True),
        sa.Column("observations", sa.Text(), nullable=False),
        sa.Column("next_visit_due", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        _moment("recorded_at"),
        _case("home_visits"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_visits")),
    )
    op.create_index(op.f("ix_home_visits_case_id"), "home_visits", ["case_id"])
    op.create_index(op.f("ix_home_visits_next_visit_due"), "home_visits", ["next_visit_due"])
    op.create_table(
        "plan_goals",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("by_when", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("drop_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(120), nullable=False),
        _moment("created_at"),
        _moment("updated_at"),
        _case("plan_goals"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goals")),
    )
    op.create_index(op.f("ix_plan_goals_case_id"), "plan_goals", ["case_id"])
    op.create_table(
        "plan_reviews",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewer_ids", sa.JSON(), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        _moment("recorded_at"),
        _case("plan_reviews"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_reviews")),
    )
    op.create_index(op.f("ix_plan_reviews_case_id"), "plan_reviews", ["case_id"])
    op.create_index(op.f("ix_plan_reviews_next_review_on"), "plan_reviews", ["next_review_on"])


def downgrade() -> None:
    op.drop_table("plan_reviews")
    op.drop_table("plan_goals")
    op.drop_table("home_visits")
