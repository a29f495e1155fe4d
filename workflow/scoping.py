"""Scoped access: which cases a session may read and change, enforced on every ORM query.

A session opened for a staff member carries their :class:`CaseScope` in ``Session.info``.
A listener adds to every ORM statement a criterion on ``cases`` and on every mapped table
that holds a ``case_id``, so a case outside the scope is not found by any door — a page,
an HTMX partial, the JSON API, a search, an export, the CLI acting for a staff member —
and the route answers 404 exactly as for a case that does not exist. Reading is not
changing: a social worker reads the open cases of their communities but changes only
their own, which :func:`require_changeable` checks where a case is loaded for a change.

Sessions without a scope (workers, beat, an operator's own CLI, the reports' counts) see
everything. Code that must look past the scope on purpose — the duplicate check at
registration searches every family, not only the reader's — says so with
:func:`unscoped`.

The rule itself (who sees what) is the programme's (``workflow.programme.staff.scope``);
this module only applies the case ids it gives.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, event, exists, false, or_, select, union
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from workflow.errors import HogatarError
from workflow.persistence.models import Base, CaseBound, CaseRow, MaybeCaseBound

SCOPE_KEY = "hogatar.case_scope"
#: Cases opened in the session's transaction: their first rows are written before the
#: family file that makes them the reader's exists.
NEW_CASES_KEY = "hogatar.new_cases"

#: The engine's own bookkeeping: the relay marks outbox rows whoever committed them.
ENGINE_TABLES = frozenset({"outbox"})
#: Rows a reader writes about what they read or were told, not changes of the case: the
#: access log records views, the inbox and reminders are the reader's own.
READER_TABLES = frozenset({"access_log", "inbox_items", "reminders"})


class CaseReadOnly(HogatarError):
    """The reader may see this case but not change it (a colleague's case of their
    community): answered 403, since the case was shown to them already."""

    def __init__(self, case_id: int) -> None:
        super().__init__(
            f"case {case_id} is a colleague's: you can read it but not change it; "
            "ask a manager to assign it to you"
        )
        self.case_id = case_id


@dataclass(frozen=True)
class CaseScope:
    """The cases ``viewer`` may read (``visible``) and change (``changeable``), each the
    union of its parts: Core SELECTs of case ids, one per place a workflow records who
    works on a case or where (a family's social worker, a foster family's, a community).
    ``changeable_parts`` None means every visible case.

    The parts are kept apart because PostgreSQL reads one part as a join that stops at a
    page's end, but their union only as a set it must build whole first (a social
    worker's 50,000 cases: 45 ms): a page picks its rows part by part
    (``web.cases.caseload``)."""

    viewer: str
    visible_parts: tuple[Select[Any], ...]
    changeable_parts: tuple[Select[Any], ...] | None = None
    _criteria: list[Any] = field(default_factory=list, compare=False, repr=False)
    _write_criteria: list[Any] = field(default_factory=list, compare=False, repr=False)

    @property
    def visible(self) -> Select[Any]:
        return union_of(self.visible_parts)

    @property
    def changeable(self) -> Select[Any]:
        parts = self.changeable_parts
        return self.visible if parts is None else union_of(parts)

    def criteria(self) -> list[Any]:
        """The criteria of reads, built once per scope (a scope lives for one request)."""
        if not self._criteria:
            self._criteria.extend(_read_criteria(self.visible))
        return self._criteria

    def write_criteria(self) -> list[Any]:
        """The criteria of ORM UPDATE and DELETE statements: changeable cases only."""
        if not self._write_criteria:
            self._write_criteria.extend(_criteria(self.changeable, READER_TABLES))
        return self._write_criteria


def union_of(parts: Sequence[Select[Any]]) -> Select[Any]:
    """One SELECT of the case ids of every part (none: no case)."""
    if not parts:
        return select(CaseRow.__table__.c.id).where(false())
    if len(parts) == 1:
        return parts[0]
    # A union as a subquery: SQLite refuses "IN ((SELECT ...) UNION (SELECT ...))".
    ids = union(*parts).subquery()
    return select(ids.c[0])


def _read_criteria(ids: Any) -> list[Any]:
    """Three loader options, whatever the number of models: the case itself and, through
    their mixins, every model with a ``case_id``. Each statement's cache key covers its
    options, and one option per model (31) on each of a case page's 46 statements was a
    fifth of a social worker's request. The criterion is a lambda because one option
    serves many classes; ``ids`` is a closure SQLAlchemy tracks, so its parameters are
    each reader's own."""
    case_bound_classes()  # refuses a model with a case_id outside both mixins
    return [
        with_loader_criteria(CaseRow, CaseRow.id.in_(ids)),
        with_loader_criteria(CaseBound, lambda cls: cls.case_id.in_(ids), include_aliases=True),
        with_loader_criteria(
            MaybeCaseBound,
            lambda cls: or_(cls.case_id.is_(None), cls.case_id.in_(ids)),
            include_aliases=True,
        ),
    ]


def _criteria(ids: Any, exempt: frozenset[str] | tuple[()]) -> list[Any]:
    found = [with_loader_criteria(CaseRow, CaseRow.id.in_(ids))]
    for cls, nullable in case_bound_classes():
        if cls.__tablename__ in exempt:
            continue
        column = cls.case_id
        allowed = or_(column.is_(None), column.in_(ids)) if nullable else column.in_(ids)
        found.append(with_loader_criteria(cls, allowed, include_aliases=True))
    return found


@cache
def case_bound_classes() -> tuple[tuple[Any, bool], ...]:
    """Every mapped class whose table holds a ``case_id`` (read once all rooms are
    imported), with whether the column may be empty: a row tied to no case is not a
    family's data and stays visible."""
    found = []
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if "case_id" in table.c and getattr(table, "name", None) not in ENGINE_TABLES:
            nullable = bool(table.c.case_id.nullable)
            # Reads reach a model through its mixin (``_read_criteria``): one outside it
            # would be read unscoped, so it is refused here, before any reader's read.
            mixin = MaybeCaseBound if nullable else CaseBound
            if not issubclass(mapper.class_, mixin):
                raise TypeError(
                    f"{mapper.class_.__name__} holds a case_id, so it must extend "
                    f"{mixin.__name__} (workflow.persistence.models) to be in readers' scopes"
                )
            found.append((mapper.class_, nullable))
    return tuple(sorted(found, key=lambda item: item[0].__name__))


def scoped_sessions(factory: sessionmaker[Session], scope: CaseScope) -> sessionmaker[Session]:
    """A session factory like ``factory`` whose sessions carry ``scope``."""
    info = {**factory.kw.get("info", {}), SCOPE_KEY: scope}
    return sessionmaker(class_=factory.class_, **{**factory.kw, "info": info})


def scope_of(session: Session) -> CaseScope | None:
    scope: CaseScope | None = session.info.get(SCOPE_KEY)
    return scope


@contextmanager
def unscoped(session: Session) -> Iterator[Session]:
    """Look past the reader's scope for one purpose (say which where it is used)."""
    scope = session.info.pop(SCOPE_KEY, None)
    try:
        yield session
    finally:
        if scope is not None:
            session.info[SCOPE_KEY] = scope


def may_change(session: Session, case_id: int) -> bool:
    scope = scope_of(session)
    if scope is None:
        return True
    with unscoped(session):
        ids = scope.changeable.subquery()
        return bool(session.scalar(select(exists().where(ids.c[0] == case_id))))


def require_changeable(session: Session, case_id: int) -> None:
    """Called where a case is loaded for a change (found, so visible): a clear refusal
    before any work. The flush check below catches every other write."""
    if case_id not in session.info.get(NEW_CASES_KEY, ()) and not may_change(session, case_id):
        raise CaseReadOnly(case_id)


@event.listens_for(Session, "do_orm_execute")
def _apply_scope(state: ORMExecuteState) -> None:
    scope = state.session.info.get(SCOPE_KEY)
    if scope is None:
        return
    # A column load refreshes an object already loaded under the scope.
    if state.is_column_load:
        return
    if state.is_select:
        state.statement = state.statement.options(*scope.criteria())
    elif state.is_update or state.is_delete:
        state.statement = state.statement.options(*scope.write_criteria())


@event.listens_for(Session, "before_flush")
def _refuse_writes_outside_scope(session: Session, _context: Any, _instances: Any) -> None:
    """Whatever a service writes through the unit of work — a referral's answer, a link
    revoked, a note — is a change of its case, refused on a case the reader may only
    read. Enforced here, below every service, so no door can forget it."""
    if session.info.get(SCOPE_KEY) is None:
        return
    touched: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__table__", None)
        if table is None or table.name in READER_TABLES or table.name in ENGINE_TABLES:
            continue
        case_id = obj.id if isinstance(obj, CaseRow) else getattr(obj, "case_id", None)
        if isinstance(case_id, int):
            touched.add(case_id)
    for case_id in sorted(touched):
        require_changeable(session, case_id)


@event.listens_for(Session, "after_flush")
def _remember_new_cases(session: Session, _context: Any) -> None:
    if session.info.get(SCOPE_KEY) is None:
        return
    new = [obj.id for obj in session.new if isinstance(obj, CaseRow)]
    if new:
        session.info.setdefault(NEW_CASES_KEY, set()).update(new)


@event.listens_for(Session, "after_transaction_end")
def _forget_new_cases(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(NEW_CASES_KEY, None)
