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

from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import aliased

from workflow.definition import WorkflowDefinition
from workflow.persistence.models import CaseRow
from workflow.programme.assessment import AssessmentRow
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime
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
    offset = (wanted.page - 1) * PAGE_SIZE
    query = _ordered(rt, wanted).offset(offset).limit(PAGE_SIZE + 1)
    with rt.session_factory() as session:
        found = session.execute(query).all()
    rows = [_row(rt, values) for values in found[:PAGE_SIZE]]
    return Caseload(rows=rows, filter=wanted, has_next=len(found) > PAGE_SIZE, first=offset + 1)


def caseload_rows(rt: Runtime, wanted: CaseloadFilter) -> list[CaseloadRow]:
    """Every case the filters find, in the caseload's order, whatever page is shown: what
    an export writes."""
    with rt.session_factory() as session:
        found = session.execute(_ordered(rt, wanted)).all()
    return [_row(rt, values) for values in found]


def _ordered(rt: Runtime, wanted: CaseloadFilter) -> Any:
    social = aliased(StaffRow)
    psych = aliased(StaffRow)
    query = (
        select(
            CaseRow.id,
            CaseRow.workflow,
            CaseRow.workflow_version,
            CaseRow.state,
            CaseRow.updated_at,
            func.coalesce(FamilyRow.family_name, CaseRow.family_name, ""),
            CommunityRow.name_hy,
            CommunityRow.name_en,
            CaseRow.community,
            social.full_name,
            psych.full_name,
        )
        .select_from(CaseRow)
        .outerjoin(FamilyRow, FamilyRow.case_id == CaseRow.id)
        .outerjoin(CommunityRow, CommunityRow.id == FamilyRow.community_id)
        .outerjoin(social, social.id == FamilyRow.social_worker_id)
        .outerjoin(psych, psych.id == FamilyRow.psychologist_id)
    )
    if wanted.workflow is not None:
        query = query.where(CaseRow.workflow == wanted.workflow)
    if wanted.state == OPEN:
        query = query.where(_open(rt, wanted.workflow))
    elif wanted.state != ALL:
        query = query.where(CaseRow.state == wanted.state)
    if wanted.community is not None:
        query = query.where(FamilyRow.community_id == wanted.community)
    if wanted.worker is not None:
        query = query.where(
            or_(
                FamilyRow.social_worker_id == wanted.worker,
                FamilyRow.psychologist_id == wanted.worker,
            )
        )
    if wanted.criterion:
        query = query.where(_latest_assessment_has(wanted.criterion))
    if wanted.q:
        query = query.where(_matches(wanted.q))
    return query.order_by(*SORTS.get(wanted.sort, SORTS[DEFAULT_SORT]))


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


def _latest_assessment_has(criterion: str) -> Any:
    """The case's latest assessment records ``criterion`` (the JSON list, as text).

    A correlated scalar subquery, looked up per candidate case through the assessments'
    case index: as a semi-join the planner would start from every assessment matching
    the LIKE (it cannot estimate it) and take a third of a second on 100,000 cases.
    """
    latest_criteria = (
        select(cast(AssessmentRow.criteria, String))
        .where(AssessmentRow.case_id == CaseRow.id)
        .order_by(AssessmentRow.assessed_on.desc(), AssessmentRow.id.desc())
        .limit(1)
        .correlate(CaseRow)
        .scalar_subquery()
    )
    return latest_criteria.like(f'%"{_like_escape(criterion)}"%', escape="\\")


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
