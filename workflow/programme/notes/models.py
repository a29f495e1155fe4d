"""Case notes and the earlier texts of corrected ones. Both carry ``case_id``, so
scoped sessions (which filter every mapped class with one) keep them to the viewer's
cases, the history included."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.models import Base, CaseBound, Id


class NoteRow(CaseBound, Base):
    """A dated note on a case. Never deleted; its author may correct it for a while."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: A code of notes.toml's kinds.
    kind: Mapped[str] = mapped_column(String(64))
    #: The day it is about (the call, the meeting), not when it was typed.
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    #: The text folded (``workflow.text.search_key``): LIKE matches Armenian without
    #: regard to case on SQLite and PostgreSQL alike.
    search_text: Mapped[str] = mapped_column(Text)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Who wrote it (a staff username, or ``cli:NAME`` for an operator).
    author: Mapped[str] = mapped_column(String(120), index=True)
    written_at: Mapped[datetime]
    corrected_at: Mapped[datetime | None]
    corrections: Mapped[int] = mapped_column(Integer, default=0)


class NoteRevisionRow(CaseBound, Base):
    """A note's text before one correction, with when it had been written."""

    __tablename__ = "case_note_revisions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("case_notes.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: When this text was written (the note's first writing, or the correction before).
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime]
    replaced_by: Mapped[str] = mapped_column(String(120))
