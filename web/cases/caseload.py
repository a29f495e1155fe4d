"""The caseload: the cases of every workflow a member of staff may see, filtered (by
workflow too), searched, sorted and paged.

Plain data for templates and the JSON API; nothing here changes the database. Written
for 100,000 cases: the caseload reads one page (plus one row, to know whether there is
a next page) and never counts the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from workflow.definition import WorkflowDefinition
from workflow.persistence.models import CaseRow
from workflow.programme.assessment import criterion_pattern
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime
from workflow.scoping import unscoped
from workflow.text import search_key

PAGE_SIZE = 25
SORTS = {
    "-id": (CaseRow.id.desc(),),
    "id": (CaseRow.id.asc(),),
    "name": (FamilyRow.name_key.asc(), CaseRow.id.asc()),
    "-name": (FamilyRow.name_key.desc(), CaseRow.id.desc()),
    "state": (CaseRow.state.asc(), CaseRow.id.desc()),
    "-updated": (CaseRow.updated_at.desc(), CaseRow.id.desc()),
    "updated": (CaseRow.updated_at.asc(), CaseRow.id.asc()),
}
DEFAULT_SORT = "-id"
OPEN = "open"
ALL = "all"


@dataclass(frozen=True)
class CaseloadFilter:
    #: None: the cases of every workflow.
    workflow: str | None = None
    state: str = OPEN
    community: int | None = None
    worker: int | None = None
    criterion: str | None = None
    q: str | None = None
    sort: str = DEFAULT_SORT
    page: int = 1


@dataclass(frozen=True)
class CaseloadRow:
    id: int
    family_name: str
    community: dict[str, str]
    workflow: str
    workflow_version: int
    #: The definition of the case's own version: its state is named as that version names it.
    definition: WorkflowDefinition
    state: str
    social_worker: str | None
    psychologist: str | None
    updated_at: datetime


@dataclass
class Caseload:
    rows: list[CaseloadRow]
    filter: CaseloadFilter
    has_next: bool
    first: int = field(default=0)

    @property
    def has_previous(self) -> bool:
        return self.filter.page > 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def caseload(rt: Runtime, wanted: CaseloadFilter) -> Caseload:
    """One page, in two statements. The first picks the page's case ids under the
    reader's scope, joining a family only when a filter or the sort needs it; the second
    reads what the rows show for those ids alone. In one statement PostgreSQL joined
    every family of a social worker's scope before it could stop at the page's end
    (330 ms with a million cases)."""
    offset = (wanted.page - 1) * PAGE_SIZE
    picked = _filtered(rt, wanted, CaseRow.id).offset(offset).limit(PAGE_SIZE + 1)
    with rt.session_factory() as session:
        ids = list(session.scalars(picked))
        shown = ids[:PAGE_SIZE]
        # The ids were chosen under the reader's scope; their rows need no second check.
        with unscoped(session):
            found = {values[0]: values for values in session.execute(_shown(shown))}
    rows = [_row(rt, found[case_id]) for case_id in shown]
    return Caseload(rows=rows, filter=wanted, has_next=len(ids) > PAGE_SIZE, first=offset + 1)


def caseload_rows(rt: Runtime, wanted: CaseloadFilter) -> list[CaseloadRow]:
    """Every case the filters find, in the caseload's order, whatever page is shown: what
    an export writes (one statement: it reads them all anyway)."""
    with rt.session_factory() as session:
        found = session.execute(_with_display_columns(_filtered(rt, wanted))).all()
    return [_row(rt, values) for values in found]


#: What a row shows, with the joins that bring it: the family (or the name on the
#: case), its community and the two assigned members of staff.
_SOCIAL = aliased(StaffRow)
_PSYCH = aliased(StaffRow)
_DISPLAY_COLUMNS = (
    CaseRow.id,
    CaseRow.workflow,
    CaseRow.workflow_version,
    CaseRow.state,
    CaseRow.updated_at,
    func.coalesce(FamilyRow.family_name, CaseRow.family_name, ""),
    CommunityRow.name_hy,
    CommunityRow.name_en,
    CaseRow.community,
    _SOCIAL.full_name,
    _PSYCH.full_name,
)


def _with_display_columns(query: Any) -> Any:
    """``query`` (over cases, its family joined) with the columns a row shows."""
    return (
        query.with_only_columns(*_DISPLAY_COLUMNS)
        .outerjoin(CommunityRow, CommunityRow.id == FamilyRow.community_id)
        .outerjoin(_SOCIAL, _SOCIAL.id == FamilyRow.social_worker_id)
        .outerjoin(_PSYCH, _PSYCH.id == FamilyRow.psychologist_id)
    )


def _shown(ids: list[int]) -> Any:
    query = select(CaseRow.id).outerjoin(FamilyRow, FamilyRow.case_id == CaseRow.id)
    return _with_display_columns(query.where(CaseRow.id.in_(ids)))


def _filtered(rt: Runtime, wanted: CaseloadFilter, *columns: Any) -> Any:
    """The cases ``wanted`` finds, in its order: over ``cases``, with the family joined
    when a filter or the sort reads it (always, when no ``columns`` are given, for the
    display columns added afterwards)."""
    sort = SORTS.get(wanted.sort, SORTS[DEFAULT_SORT])
    needs_family = not columns or bool(wanted.worker is not None or wanted.q)
    needs_family = needs_family or wanted.sort in ("name", "-name")
    query = select(*(columns or (CaseRow.id,))).select_from(CaseRow)
    if needs_family:
        query = query.outerjoin(FamilyRow, FamilyRow.case_id == CaseRow.id)
    if wanted.workflow is not None:
        query = query.where(CaseRow.workflow == wanted.workflow)
    if wanted.state == OPEN:
        query = query.where(_open(rt, wanted.workflow))
    elif wanted.state != ALL:
        query = query.where(CaseRow.state == wanted.state)
    if wanted.community is not None:
        # The case's copy of the family's community: one index with the state (0027).
        query = query.where(CaseRow.community_id == wanted.community)
    if wanted.worker is not None:
        query = query.where(
            or_(
                FamilyRow.social_worker_id == wanted.worker,
                FamilyRow.psychologist_id == wanted.worker,
            )
        )
    if wanted.criterion:
        # The case row's copy of its latest assessment's criteria: in the same index as
        # the community and state (0027), so the filter never opens an assessment.
        pattern = criterion_pattern(wanted.criterion)
        query = query.where(CaseRow.criteria.like(pattern, escape="\\"))
    if wanted.q:
        query = query.where(_matches(wanted.q))
    return query.order_by(*sort)


def _row(rt: Runtime, values: Any) -> CaseloadRow:
    (
        case_id,
        workflow,
        version,
        state,
        updated,
        name,
        hy,
        en,
        legacy,
        worker,
        psychologist,
    ) = values
    return CaseloadRow(
        id=case_id,
        family_name=name,
        community={"hy": hy, "en": en} if hy else {"hy": legacy or "", "en": legacy or ""},
        workflow=workflow,
        workflow_version=version,
        definition=rt.machine_at(workflow, version).definition,
        state=state,
        social_worker=worker,
        psychologist=psychologist,
        updated_at=updated,
    )


def _open(rt: Runtime, workflow: str | None) -> Any:
    """Cases not in a final state of their workflow (as its newest version has them)."""
    names = [workflow] if workflow is not None else sorted(rt.definitions)
    return or_(
        *(
            and_(
                CaseRow.workflow == name,
                CaseRow.state.not_in(
                    [s.name for s in rt.machine(name).definition.states if s.final]
                ),
            )
            for name in names
        )
    )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matches(text: str) -> Any:
    """Family name or a household member's name contains the text (case-insensitive, in
    Armenian too: the stored keys are case-folded)."""
    pattern = f"%{_like_escape(search_key(text))}%"
    if text.strip().isdigit():
        return CaseRow.id == int(text.strip())
    member = exists().where(
        MemberRow.family_id == FamilyRow.id, MemberRow.name_key.like(pattern, escape="\\")
    )
    # A case without a family file (another workflow's) is found by the name on the case:
    # as typed, or lower-cased (SQLite's lower() folds ASCII letters only).
    typed = _like_escape(text.strip())
    bare = and_(
        FamilyRow.id.is_(None),
        or_(
            CaseRow.family_name.like(f"%{typed}%", escape="\\"),
            func.lower(CaseRow.family_name).like(f"%{typed.lower()}%", escape="\\"),
        ),
    )
    return or_(FamilyRow.name_key.like(pattern, escape="\\"), member, bare)
