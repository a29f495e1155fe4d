"""A case's service plan: planned services, their deliveries, and the family's income sources."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class PlannedServiceRow(CaseBound, Base):
    """A service in a case's plan: planned -> in_progress -> delivered | cancelled."""

    __tablename__ = "planned_services"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    service: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    target_date: Mapped[date | None] = mapped_column(Date)
    provider_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    provider_partner: Mapped[str | None] = mapped_column(String(200))
    # Surgery and treatment are paid by resource mobilisation: who pays, how much (AMD).
    funder: Mapped[str | None] = mapped_column(String(200))
    funded_amount_amd: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DeliveryRow(Base):
    __tablename__ = "service_deliveries"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    planned_service_id: Mapped[int] = mapped_column(ForeignKey("planned_services.id"), index=True)
    delivered_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    cost_amd: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
    #: The counselling session this delivery is (a session held while the plan has the
    #: matching counselling service counts as a delivery of it).
    counselling_session_id: Mapped[int | None] = mapped_column(
        # Named by hand: the conventional name is longer than PostgreSQL's 63 characters.
        ForeignKey("counselling_sessions.id", name="fk_service_deliveries_counselling_session"),
        index=True,
    )


class IncomeSourceRow(CaseBound, Base):
    """Employment or self-employment: evidence of economic stabilisation."""

    __tablename__ = "income_sources"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    started_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    monthly_amount_amd: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
