"""programme case model: communities, staff, families, assessments, consent, plans

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 15:20:00

Hand-checked: plain CREATE TABLE / CREATE INDEX only, so it runs unchanged on SQLite and
PostgreSQL. Communities are seeded from config/programme/communities.toml as it is when
the migration runs; later communities are added as data (`hogatar community add`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COMMUNITIES = Path(__file__).resolve().parents[3] / "config" / "programme" / "communities.toml"


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _pk() -> sa.Column[int]:
    return sa.Column("id", _id(), autoincrement=True, nullable=False)


def _fk(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, _id(), nullable=nullable)


def _recorded() -> list[sa.Column[object]]:
    return [
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _foreign(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    communities = op.create_table(
        "communities",
        _pk(),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_hy", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("code", name=op.f("uq_communities_code")),
    )
    op.create_table(
        "staff",
        _pk(),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_username")),
    )
    op.create_table(
        "families",
        _pk(),
        _fk("case_id"),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        _fk("community_id"),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("phone_key", sa.String(length=40), nullable=True),
        sa.Column("referral_partner_type", sa.String(length=64), nullable=True),
        sa.Column("referral_partner_name", sa.String(length=200), nullable=True),
        sa.Column("state_benefit", sa.Boolean(), nullable=False),
        _fk("social_worker_id", nullable=True),
        _fk("psychologist_id", nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _foreign("families", "case_id", "cases"),
        _foreign("families", "community_id", "communities"),
        _foreign("families", "social_worker_id", "staff"),
        _foreign("families", "psychologist_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_families")),
        sa.UniqueConstraint("case_id", name=op.f("uq_families_case_id")),
    )
    _index(
        "families", "community_id", "name_key", "phone_key", "psychologist_id", "social_worker_id"
    )
    op.create_table(
        "household_members",
        _pk(),
        _fk("family_id"),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("disability", sa.Boolean(), nullable=False),
        sa.Column("health_notes", sa.Text(), nullable=True),
        _foreign("household_members", "family_id", "families"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_members")),
    )
    _index("household_members", "family_id", "name_key")
    op.create_table(
        "consents",
        _pk(),
        _fk("case_id"),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        *_recorded(),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=120), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        _foreign("consents", "case_id", "cases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    _index("consents", "case_id")
    op.create_table(
        "assessments",
        _pk(),
        _fk("case_id"),
        _fk("assessor_id"),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("risk_of_abandonment", sa.Boolean(), nullable=False),
        sa.Column("risk_description", sa.Text(), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *_recorded(),
        _foreign("assessments", "case_id", "cases"),
        _foreign("assessments", "assessor_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    _index("assessments", "case_id")
    op.create_table(
        "planned_services",
        _pk(),
        _fk("case_id"),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        _fk("provider_staff_id", nullable=True),
        sa.Column("provider_partner", sa.String(length=200), nullable=True),
        sa.Column("funder", sa.String(length=200), nullable=True),
        sa.Column("funded_amount_amd", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _foreign("planned_services", "case_id", "cases"),
        _foreign("planned_services", "provider_staff_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_services")),
    )
    _index("planned_services", "case_id")
    op.create_table(
        "service_deliveries",
        _pk(),
        _fk("planned_service_id"),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("cost_amd", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *_recorded(),
        _foreign("service_deliveries", "planned_service_id", "planned_services"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_deliveries")),
    )
    _index("service_deliveries", "planned_service_id")
    op.create_table(
        "counselling_sessions",
        _pk(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _fk("psychologist_id"),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("follow_up_needed", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *_recorded(),
        _foreign("counselling_sessions", "psychologist_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counselling_sessions")),
    )
    op.create_table(
        "counselling_participants",
        _pk(),
        _fk("session_id"),
        _fk("case_id"),
        _foreign("counselling_participants", "session_id", "counselling_sessions"),
        _foreign("counselling_participants", "case_id", "cases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counselling_participants")),
        sa.UniqueConstraint(
            "session_id", "case_id", name="uq_counselling_participants_session_case"
        ),
    )
    _index("counselling_participants", "case_id", "session_id")
    op.create_table(
        "income_sources",
        _pk(),
        _fk("case_id"),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("monthly_amount_amd", sa.Integer(), nullable=True),
        *_recorded(),
        _foreign("income_sources", "case_id", "cases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_income_sources")),
    )
    _index("income_sources", "case_id")
    op.bulk_insert(communities, _seed_communities())


def _seed_communities() -> list[dict[str, object]]:
    raw = tomllib.loads(COMMUNITIES.read_text(encoding="utf-8"))
    return [
        {
            "code": item["code"],
            "name_hy": item["name"]["hy"],
            "name_en": item["name"]["en"],
            "active": True,
        }
        for item in raw["communities"]
    ]


def downgrade() -> None:
    for table, indexes in (
        ("income_sources", ("case_id",)),
        ("counselling_participants", ("case_id", "session_id")),
        ("counselling_sessions", ()),
        ("service_deliveries", ("planned_service_id",)),
        ("planned_services", ("case_id",)),
        ("assessments", ("case_id",)),
        ("consents", ("case_id",)),
        ("household_members", ("family_id", "name_key")),
        (
            "families",
            ("community_id", "name_key", "phone_key", "psychologist_id", "social_worker_id"),
        ),
        ("staff", ()),
        ("communities", ()),
    ):
        for column in indexes:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
