"""A reader's scope reaches every model with a ``case_id`` through two mixins
(``CaseBound``, ``MaybeCaseBound``): one loader option each instead of one per model.
These tests fail for a model that holds a case's rows but is outside both, and show on
real statements that every such table gets the scope's criterion."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, literal, select
from sqlalchemy.orm import Session, aliased

import workflow.programme.wiring  # noqa: F401  (every room's models mapped)
from workflow.persistence.models import Base, CaseBound, CaseRow, MaybeCaseBound
from workflow.programme.notes.models import NoteRow
from workflow.programme.referrals.models import ReferralRow
from workflow.scoping import ENGINE_TABLES, SCOPE_KEY, CaseScope, case_bound_classes


def test_every_model_with_a_case_id_extends_the_mixin_its_column_says():
    classes = {mapper.class_ for mapper in Base.registry.mappers}
    with_case_id = {cls for cls in classes if "case_id" in cls.__table__.c}
    assert {cls for cls, _ in case_bound_classes()} == {
        cls for cls in with_case_id if cls.__table__.name not in ENGINE_TABLES
    }
    for cls, nullable in case_bound_classes():
        expected = MaybeCaseBound if nullable else CaseBound
        other = CaseBound if nullable else MaybeCaseBound
        assert issubclass(cls, expected), f"{cls.__name__} must extend {expected.__name__}"
        assert not issubclass(cls, other), f"{cls.__name__} extends both mixins"
    # The engine's own tables stay outside any reader's scope (the relay reads them).
    for cls in with_case_id - {cls for cls, _ in case_bound_classes()}:
        assert not issubclass(cls, CaseBound | MaybeCaseBound), cls.__name__


@pytest.fixture
def scoped_session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    scope = CaseScope(viewer="reader", visible_parts=(select(literal(7)),))
    with Session(engine, info={SCOPE_KEY: scope}) as session:
        yield session, statements
    engine.dispose()


@pytest.mark.parametrize("cls", [cls for cls, _ in case_bound_classes()], ids=lambda c: c.__name__)
def test_a_scoped_read_of_any_case_bound_table_carries_the_criterion(scoped_session, cls):
    session, statements = scoped_session
    session.execute(select(cls)).all()
    name = cls.__table__.name
    nullable = cls.__table__.c.case_id.nullable
    expected = f"{name}.case_id IS NULL OR {name}.case_id IN" if nullable else f"{name}.case_id IN"
    assert expected in statements[-1], statements[-1]


def test_the_criterion_reaches_joined_tables_aliases_and_subqueries(scoped_session):
    session, statements = scoped_session
    session.execute(select(CaseRow, NoteRow).join(NoteRow, NoteRow.case_id == CaseRow.id)).all()
    older = aliased(NoteRow)
    session.execute(select(older).where(older.id > 0)).all()
    session.execute(
        select(CaseRow).where(CaseRow.id.in_(select(ReferralRow.case_id).scalar_subquery()))
    ).all()
    joined, alias, nested = statements[-3:]
    assert "cases.id IN" in joined and "case_notes.case_id IN" in joined
    assert "case_notes_1.case_id IN" in alias
    assert "referrals.case_id IN" in nested and "cases.id IN" in nested
