"""A family's assessments against the programme's criteria."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class AssessmentRow(CaseBound, Base):
    """One assessment; a re-assessment adds a row, the earlier ones stay."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    assessed_on: Mapped[date] = mapped_column(Date)
    risk_of_abandonment: Mapped[bool] = mapped_column(Boolean)
    risk_description: Mapped[str | None] = mapped_column(Text)
    # Codes of the additional criteria met (config/programme/criteria.toml).
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime]
