"""background work: activities, referrals, reminders, inbox, procurement

Partners are seeded from config/programme/partners.toml as it is when the migration
runs; later partners are added as data (`hogatar partner add`). The outbox and incidents
accept rows without a case event (sweeps) or without a case (purchase orders).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 15:23:45.852557
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import sqlalchemy as sa
from alembic import op

PARTNERS = Path(__file__).resolve().parents[3] / "config" / "programme" / "partners.toml"
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    partners = op.create_table(
        "partners",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("name_hy", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("code", name=op.f("uq_partners_code")),
        info={"reference_data": True},
    )
    op.create_table(
        "purchase_orders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("supplier", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("total_amd", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
    )
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_purchase_orders_supplier"), ["supplier"], unique=False)

    op.create_table(
        "case_activities",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_activities_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_activities")),
    )
    with op.batch_alter_table("case_activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_activities_case_id"), ["case_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("partner_reminder_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("partner_reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_referrals_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referrals_escalation_due_at"), ["escalation_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referrals_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referrals_partner_reminder_due_at"),
            ["partner_reminder_due_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_referrals_status"), ["status"], unique=False)

    op.create_table(
        "procurement_requests",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "planned_service_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("budget_line", sa.String(length=64), nullable=False),
        sa.Column("supplier", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_amd", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=120), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "purchase_order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_by", sa.String(length=120), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_procurement_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["planned_service_id"],
            ["planned_services.id"],
            name=op.f("fk_procurement_requests_planned_service_id_planned_services"),
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_procurement_requests_purchase_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procurement_requests")),
    )
    with op.batch_alter_table("procurement_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_procurement_requests_budget_line"), ["budget_line"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_procurement_requests_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_procurement_requests_planned_service_id"),
            ["planned_service_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_procurement_requests_status"), ["status"], unique=False
        )

    op.create_table(
        "reminders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "recipient_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_reminders_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["staff.id"], name=op.f("fk_reminders_recipient_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["counselling_sessions.id"],
            name=op.f("fk_reminders_session_id_counselling_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminders_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminders_due_at"), ["due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reminders_escalation_due_at"), ["escalation_due_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reminders_recipient_id"), ["recipient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reminders_status"), ["status"], unique=False)

    op.create_table(
        "inbox_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("staff_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "reminder_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "referral_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_inbox_items_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_inbox_items_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminders.id"], name=op.f("fk_inbox_items_reminder_id_reminders")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_inbox_items_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_items")),
    )
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbox_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_items_staff_id"), ["staff_id"], unique=False)

    op.bulk_insert(partners, _seed_partners())
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=ID, nullable=True)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=ID, nullable=True)
        batch_op.alter_column("event_id", existing_type=ID, nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("event_id", existing_type=ID, nullable=False)
        batch_op.alter_column("case_id", existing_type=ID, nullable=False)

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=ID, nullable=False)

    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_items_staff_id"))
        batch_op.drop_index(batch_op.f("ix_inbox_items_case_id"))

    op.drop_table("inbox_items")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminders_status"))
        batch_op.drop_index(batch_op.f("ix_reminders_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_reminders_escalation_due_at"))
        batch_op.drop_index(batch_op.f("ix_reminders_due_at"))
        batch_op.drop_index(batch_op.f("ix_reminders_case_id"))

    op.drop_table("reminders")
    with op.batch_alter_table("procurement_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procurement_requests_status"))
        batch_op.drop_index(batch_op.f("ix_procurement_requests_planned_service_id"))
        batch_op.drop_index(batch_op.f("ix_procurement_requests_case_id"))
        batch_op.drop_index(batch_op.f("ix_procurement_requests_budget_line"))

    op.drop_table("procurement_requests")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_status"))
        batch_op.drop_index(batch_op.f("ix_referrals_partner_reminder_due_at"))
        batch_op.drop_index(batch_op.f("ix_referrals_partner_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_escalation_due_at"))
        batch_op.drop_index(batch_op.f("ix_referrals_case_id"))

    op.drop_table("referrals")
    with op.batch_alter_table("case_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_activities_case_id"))

    op.drop_table("case_activities")
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_orders_supplier"))

    op.drop_table("purchase_orders")
    op.drop_table("partners")


def _seed_partners() -> list[dict[str, object]]:
    raw = tomllib.loads(PARTNERS.read_text(encoding="utf-8"))
    return [
        {
            "code": item["code"],
            "type": item["type"],
            "name_hy": item["name"]["hy"],
            "name_en": item["name"]["en"],
            "email": item["email"],
            "language": item.get("language", "hy"),
            "active": True,
        }
        for item in raw.get("partners", [])
    ]
