"""Documents attached to a case or to one of its household members. The row carries
``case_id``, so scoped sessions keep documents to the reader's cases; the file itself is
in the store under ``sha256`` (``store``), never in the database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class DocumentRow(CaseBound, Base):
    """Never changed once attached, except by anonymisation: its file removed
    (``sha256`` None) and its name replaced by the neutral mark."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: The household member it is about, or None for the family's (the case's) own.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("household_members.id"))
    #: A code of documents.toml's kinds.
    kind: Mapped[str] = mapped_column(String(64))
    #: The name it was uploaded under, as shown (a download gets a safe form of it).
    original_name: Mapped[str] = mapped_column(String(255))
    #: What its content is (by its first bytes), e.g. application/pdf.
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    #: Where its content is in the store; None once anonymisation removed it.
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Kinds that expire (an ID card, a medical certificate) carry the day they do.
    expires_on: Mapped[date | None] = mapped_column(Date)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime]
