"""cases: the family's community and the latest assessment's criteria beside the state,
in one index, for the filtered caseload; families: the case id in the scope indexes

The caseload is sorted by case number, newest first, and shows 25 rows. Filtered by
community, state and criterion it took 271 to 472 ms with a million cases: PostgreSQL
found the community's 66,666 families on their index, looked each case up for its state
and its latest assessment for the criterion (no index spans the three tables), then
sorted. The case row now carries copies of both (the programme keeps them equal to the
family's community and the latest assessment), and (community_id, state, id, criteria)
hands the planner the matching cases in case order from the index alone: it stops at the
page's end, and a filter that matches nothing reads only that part of the index.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workflow.programme.shared.reference import reference

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# The criteria JSON list as the copy's text: '["a", "b"]' -> '|a|b|', '[]' -> '|' (codes
# hold no spaces or quotes), in SQL that SQLite and PostgreSQL both run.
_LISTED = (
    "REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(CAST(a.criteria AS TEXT), ' ', ''),"
    " '[]', '|'), '[\"', '|'), '\",\"', '|'), '\"]', '|')"
)


# A reader's scope is a set of case ids read from the families (a social worker's, a
# psychologist's, some communities'): with the case id in the index it comes from the
# index alone, already in case order, instead of one heap page per family (a social
# worker's 50,000 families took 120 ms). Each replaces the single-column index it extends.
_SCOPE_INDEXES = (
    ("community_id", "ix_families_community_case"),
    ("social_worker_id", "ix_families_social_worker_case"),
    ("psychologist_id", "ix_families_psychologist_case"),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("criteria", sa.String(length=300), nullable=True))
    op.execute(
        "UPDATE cases SET community_id = "
        "(SELECT families.community_id FROM families WHERE families.case_id = cases.id)"
    )
    primary = reference().primary_criterion.code
    op.execute(
        sa.text(
            "UPDATE cases SET criteria = ("
            f" SELECT CASE WHEN a.risk_of_abandonment THEN '|' || :primary || {_LISTED}"
            f" ELSE {_LISTED} END"
            " FROM assessments a WHERE a.case_id = cases.id"
            " ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1)"
        ).bindparams(primary=primary)
    )
    op.create_index(
        "ix_cases_caseload_filter", "cases", ["community_id", "state", "id", "criteria"]
    )
    for column, name in _SCOPE_INDEXES:
        op.create_index(name, "families", [column, "case_id"])
        op.drop_index(op.f(f"ix_families_{column}"), table_name="families")


def downgrade() -> None:
    for column, name in _SCOPE_INDEXES:
        op.create_index(op.f(f"ix_families_{column}"), "families", [column])
        op.drop_index(name, table_name="families")
    op.drop_index("ix_cases_caseload_filter", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("criteria")
        batch.drop_column("community_id")
