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

from sqlalchemy import and_, exists, func, or_, select, text, union
from sqlalchemy.orm import Session, aliased

from workflow.definition import WorkflowDefinition
from workflow.persistence.models import CaseRow
from workflow.programme.assessment import criterion_pattern
from workflow.programme.counselling import COUNSELLING_ASSIGNMENTS
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.foster_care import FosterFamilyRow
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime
from workflow.scoping import scope_of, unscoped
from workflow.text import search_key

PAGE_SIZE = 25
#: The family's name as the file of its workflow keeps it (a family's or a foster family's).
_NAME_KEY = func.coalesce(FamilyRow.name_key, FosterFamilyRow.name_key)
#: Each sort: its keys, with whether each runs downwards.
SORTS: dict[str, tuple[tuple[Any, bool], ...]] = {
    "-id": ((CaseRow.id, True),),
    "id": ((CaseRow.id, False),),
    "name": ((_NAME_KEY, False), (CaseRow.id, False)),
    "-name": ((_NAME_KEY, True), (CaseRow.id, True)),
    "state": ((CaseRow.state, False), (CaseRow.id, True)),
    "-updated": ((CaseRow.updated_at, True), (CaseRow.id, True)),
    "updated": ((CaseRow.updated_at, False), (CaseRow.id, False)),
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
    reader's scope, joining the family files only when a filter or the sort needs them;
    the second reads what the rows show for those ids alone. In one statement PostgreSQL
    joined every family of a social worker's scope before it could stop at the page's
    end (330 ms with a million cases)."""
    offset = (wanted.page - 1) * PAGE_SIZE
    with rt.session_factory() as session:
        ids = _page_ids(rt, session, wanted, offset, PAGE_SIZE + 1)
        shown = ids[:PAGE_SIZE]
        # The ids were chosen under the reader's scope; their rows need no second check.
        with unscoped(session):
            found = {values[0]: values for values in session.execute(_shown(shown))}
    rows = [_row(rt, found[case_id]) for case_id in shown]
    return Caseload(rows=rows, filter=wanted, has_next=len(ids) > PAGE_SIZE, first=offset + 1)


def _page_ids(
    rt: Runtime, session: Session, wanted: CaseloadFilter, offset: int, limit: int
) -> list[int]:
    """The ids of one page, in the caseload's order, of the cases the reader may see.

    A scope of several parts (a social worker's own families, own foster families, the
    open cases of their communities) is read part by part: each part's first
    ``offset + limit`` cases, merged and cut to the page in the same statement. A
    part alone is a join PostgreSQL walks in page order and stops at the page's end;
    the union of the parts is a set it would build whole first (a social worker's
    50,000 cases: 45 ms against under 1 ms). A case in two parts is one row of the
    union, its sort keys being the same in both."""
    scope = scope_of(session)
    if scope is None or len(scope.visible_parts) < 2:
        return list(session.scalars(_filtered(rt, wanted, CaseRow.id).offset(offset).limit(limit)))
    keys = SORTS.get(wanted.sort, SORTS[DEFAULT_SORT])
    labelled = [key.label(f"key{n}") for n, (key, _) in enumerate(keys)]
    arms = [
        select(
            _filtered(rt, wanted, CaseRow.id, *labelled)
            .where(CaseRow.id.in_(part))
            .limit(offset + limit)
            .subquery()
        )
        for part in scope.visible_parts
    ]
    merged = union(*arms).subquery()
    order = [
        merged.c[f"key{n}"].desc() if downwards else merged.c[f"key{n}"].asc()
        for n, (_, downwards) in enumerate(keys)
    ]
    if session.get_bind().dialect.name == "postgresql":
        # The planner cannot know that a filter by the reader's own name keeps every row
        # of their own part; it expects to walk far and starts parallel workers, whose
        # start (10 ms) is twenty times the walk. Only for this transaction.
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    # Each part is the scope's own criterion, written out: the session's would add
    # their union to every arm.
    with unscoped(session):
        picked = select(merged.c.id).order_by(*order).offset(offset).limit(limit)
        return list(session.scalars(picked))


def caseload_rows(rt: Runtime, wanted: CaseloadFilter) -> list[CaseloadRow]:
    """Every case the filters find, in the caseload's order, whatever page is shown: what
    an export writes (one statement: it reads them all anyway)."""
    with rt.session_factory() as session:
        found = session.execute(_with_display_columns(_filtered(rt, wanted))).all()
    return [_row(rt, values) for values in found]


#: What a row shows, with the joins that bring it: the family file of the case's
#: workflow (or the name on the case), its community and the assigned members of staff.
_SOCIAL = aliased(StaffRow)
_PSYCH = aliased(StaffRow)
_DISPLAY_COLUMNS = (
    CaseRow.id,
    CaseRow.workflow,
    CaseRow.workflow_version,
    CaseRow.state,
    CaseRow.updated_at,
    func.coalesce(FamilyRow.family_name, FosterFamilyRow.family_name, CaseRow.family_name, ""),
    CommunityRow.name_hy,
    CommunityRow.name_en,
    CaseRow.community,
    _SOCIAL.full_name,
    _PSYCH.full_name,
)


def _with_display_columns(query: Any) -> Any:
    """``query`` (over cases, the family files joined) with the columns a row shows."""
    community = func.coalesce(FamilyRow.community_id, FosterFamilyRow.community_id)
    worker = func.coalesce(FamilyRow.social_worker_id, FosterFamilyRow.social_worker_id)
    return (
        query.with_only_columns(*_DISPLAY_COLUMNS)
        .outerjoin(CommunityRow, CommunityRow.id == community)
        .outerjoin(_SOCIAL, _SOCIAL.id == worker)
        .outerjoin(_PSYCH, _PSYCH.id == FamilyRow.psychologist_id)
    )


def _shown(ids: list[int]) -> Any:
    query = _with_files(select(CaseRow.id))
    return _with_display_columns(query.where(CaseRow.id.in_(ids)))


def _with_files(query: Any) -> Any:
    """``query`` over cases with each case's family file joined, of whichever workflow
    keeps one (at most one per case)."""
    return query.outerjoin(FamilyRow, FamilyRow.case_id == CaseRow.id).outerjoin(
        FosterFamilyRow, FosterFamilyRow.case_id == CaseRow.id
    )


def _filtered(rt: Runtime, wanted: CaseloadFilter, *columns: Any) -> Any:
    """The cases ``wanted`` finds, in its order: over ``cases``, with the family files
    joined when a filter or the sort reads them (always, when no ``columns`` are given,
    for the display columns added afterwards)."""
    keys = SORTS.get(wanted.sort, SORTS[DEFAULT_SORT])
    needs_family = not columns or bool(wanted.worker is not None or wanted.q)
    needs_family = needs_family or wanted.sort in ("name", "-name")
    query = select(*(columns or (CaseRow.id,))).select_from(CaseRow)
    if needs_family:
        query = _with_files(query)
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
                FosterFamilyRow.social_worker_id == wanted.worker,
                # A psychologist's cases are also those they counsel (a group session
                # takes in families assigned to no psychologist, or to another).
                CaseRow.id.in_(_counselled_by(wanted.worker)),
            )
        )
    if wanted.criterion:
        # The case row's copy of its latest assessment's criteria: in the same index as
        # the community and state (0027), so the filter never opens an assessment.
        pattern = criterion_pattern(wanted.criterion)
        query = query.where(CaseRow.criteria.like(pattern, escape="\\"))
    if wanted.q:
        query = query.where(_matches(wanted.q))
    return query.order_by(*(key.desc() if downwards else key.asc() for key, downwards in keys))


def _counselled_by(staff_id: int) -> Any:
    counselled = COUNSELLING_ASSIGNMENTS.assigned(staff_id, "psychologist")
    assert counselled is not None  # a psychologist holds counselled cases
    return counselled


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
