"""What anonymising a closed family case removes, field by field, and what it keeps.

Removed (blanked, or replaced by the neutral mark "—" where a value is required): the
family's name, address, phone and the name of whoever referred it; each member's name,
date of birth, disability flag and health notes; consent texts and the names of who gave
or withdrew it; assessment descriptions and notes; notes and cancellation reasons of
services, deliveries, income sources, reminders and goods; counselling notes of the
family's own sessions (a group session's once every family in it is anonymised); case
notes' texts and the earlier texts of corrected ones; home visits' observations and who
else was met, plan goals' texts and drop reasons, and what plan reviews decided;
referral purposes, decline reasons and partner feedback; the free text of the timeline
and of approval requests (reasons) and every value of their data that is not an id, a
code, a date or an amount.

Kept, so that the reports count the same before and after: the case, its state and
dates, its community, members' roles (children are counted), the state benefit flag, the
assigned staff, the timeline's triggers, states, actors and times, assessments' risk flag
and criteria, services planned and delivered with their costs, income kinds and amounts,
goods requested with their amounts, referrals' partners and statuses.

Documents (workflow/programme/documents) plug in as ``DocumentStore``: their rows lose
their names and their files are removed with the rest, in the same transaction (the files
once it committed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import JSON, ColumnElement, Table, Text, cast, func, or_, select, update
from sqlalchemy.orm import Session

from config.settings import Settings
from workflow.persistence.models import (
    ApprovalRow,
    CaseActivityRow,
    CaseEventRow,
    CaseRow,
    OutboxRow,
)
from workflow.programme.assessment import AssessmentRow
from workflow.programme.counselling import CounsellingParticipantRow, CounsellingSessionRow
from workflow.programme.families import ConsentRow, FamilyRow, MemberRow
from workflow.programme.notes import NoteRevisionRow, NoteRow
from workflow.programme.plans import DeliveryRow, IncomeSourceRow, PlannedServiceRow
from workflow.programme.privacy.models import AnonymisedCaseRow
from workflow.programme.procurement import ProcurementRequestRow
from workflow.programme.referrals import ReferralRow
from workflow.programme.reminders import ReminderRow
from workflow.programme.visits import HomeVisitRow, PlanGoalRow, PlanReviewRow

#: Stands in for a required text (a family name, a member's name): visibly removed.
MARK = "—"

Owner = Callable[[int], ColumnElement[bool]]


@dataclass(frozen=True)
class Personal:
    """Columns of one table that hold personal data, and their replacement."""

    name: str
    model: type[Any]
    blank: Mapping[str, Any]
    #: The rows of the case, given its id.
    owner: Owner

    @property
    def table(self) -> Table:
        table: Table = self.model.__table__
        return table

    def replacements(self) -> dict[str, Any]:
        # A column another change renamed or dropped is skipped, never an error.
        return {name: value for name, value in self.blank.items() if name in self.table.c}

    def holds_personal(self) -> ColumnElement[bool]:
        columns = self.table.c
        return or_(*(_differs(columns[name], v) for name, v in self.replacements().items()))


def _differs(column: Any, blank: Any) -> ColumnElement[bool]:
    """Whether ``column`` holds something else than its blank value. PostgreSQL's json
    has no equality, so a JSON column is compared as its text ("[]")."""
    if isinstance(column.type, JSON):
        return cast(column, Text).is_distinct_from(json.dumps(blank))
    result: ColumnElement[bool] = column.is_distinct_from(blank)
    return result


def _of_case(model: type[Any]) -> Owner:
    return lambda case_id: model.case_id == case_id


def _members(case_id: int) -> ColumnElement[bool]:
    return MemberRow.family_id.in_(select(FamilyRow.id).where(FamilyRow.case_id == case_id))


def _deliveries(case_id: int) -> ColumnElement[bool]:
    planned = select(PlannedServiceRow.id).where(PlannedServiceRow.case_id == case_id)
    return DeliveryRow.planned_service_id.in_(planned)


def _sessions(case_id: int) -> ColumnElement[bool]:
    """The family's sessions whose every other participant is anonymised already: a
    group session's notes may be about the other families still in the programme."""
    others = select(CounsellingParticipantRow.session_id).where(
        CounsellingParticipantRow.case_id != case_id,
        CounsellingParticipantRow.case_id.not_in(select(AnonymisedCaseRow.case_id)),
    )
    mine = select(CounsellingParticipantRow.session_id).where(
        CounsellingParticipantRow.case_id == case_id
    )
    return CounsellingSessionRow.id.in_(mine) & CounsellingSessionRow.id.not_in(others)


PERSONAL: tuple[Personal, ...] = (
    Personal("case", CaseRow, {"family_name": MARK}, lambda case_id: CaseRow.id == case_id),
    Personal(
        "family",
        FamilyRow,
        {
            "family_name": MARK,
            "name_key": "",
            "address": None,
            "phone": None,
            "phone_key": None,
            "referral_partner_name": None,
        },
        _of_case(FamilyRow),
    ),
    Personal(
        "members",
        MemberRow,
        {
            "full_name": MARK,
            "name_key": "",
            "date_of_birth": None,
            "disability": False,
            "health_notes": None,
            "removal_reason": None,
        },
        _members,
    ),
    Personal(
        "consents",
        ConsentRow,
        {
            # Its purposes are codes (participation, referral, ...), kept for the counts.
            "note": None,
            "given_by_name": None,
            "withdrawal_reason": None,
        },
        _of_case(ConsentRow),
    ),
    Personal(
        "assessments",
        AssessmentRow,
        {"risk_description": None, "notes": None},
        _of_case(AssessmentRow),
    ),
    Personal(
        "planned_services",
        PlannedServiceRow,
        {"notes": None, "cancel_reason": None},
        _of_case(PlannedServiceRow),
    ),
    Personal("deliveries", DeliveryRow, {"notes": None}, _deliveries),
    Personal("income_sources", IncomeSourceRow, {"description": None}, _of_case(IncomeSourceRow)),
    Personal("counselling_sessions", CounsellingSessionRow, {"notes": None}, _sessions),
    # Case notes and the texts they were corrected from; their kinds and days are kept.
    Personal("case_notes", NoteRow, {"text": MARK, "search_text": ""}, _of_case(NoteRow)),
    Personal("case_note_revisions", NoteRevisionRow, {"text": MARK}, _of_case(NoteRevisionRow)),
    # Home visits' observations and who else was met, the plan's goals and what reviews
    # decided; the days, the staff who went and the goals' statuses are kept.
    Personal(
        "home_visits",
        HomeVisitRow,
        {"observations": MARK, "met_others": None},
        _of_case(HomeVisitRow),
    ),
    Personal("plan_goals", PlanGoalRow, {"what": MARK, "drop_reason": None}, _of_case(PlanGoalRow)),
    Personal("plan_reviews", PlanReviewRow, {"decisions": []}, _of_case(PlanReviewRow)),
    Personal(
        "referrals",
        ReferralRow,
        {"purpose": MARK, "decline_reason": None, "feedback": None},
        _of_case(ReferralRow),
    ),
    Personal("reminders", ReminderRow, {"cancel_reason": None}, _of_case(ReminderRow)),
    Personal(
        "procurement_requests",
        ProcurementRequestRow,
        {"cancel_reason": None},
        _of_case(ProcurementRequestRow),
    ),
)

#: Values of a timeline entry's data that are kept: codes, ids, dates and amounts.
CODE_KEYS = frozenset(
    {
        "closure_reason",
        "service",
        "kind",
        "partner",
        "role",
        "from",
        "to",
        "status",
        "trigger",
        "effect",
        "task_id",
        "modules",
        "version",
        "case_id",
        # Who decided an approval, when and how: staff, not the family.
        "tier",
        "actor",
        "decision",
        "at",
    }
)
KEPT_SUFFIXES = ("_id", "_ids", "_on", "_amd")


def neutral_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``data`` without free text: ids, codes, dates and amounts stay; what was changed
    (``changed``) keeps the field names, not their values."""
    kept: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if isinstance(value, Mapping):
            kept[key] = sorted(value) if key == "changed" else neutral_data(value)
        elif key in CODE_KEYS or key.endswith(KEPT_SUFFIXES):
            kept[key] = value
    return kept


class DocumentStore(Protocol):
    """Where a case's documents live (the documents feature)."""

    def documents(self, session: Session, case_id: int) -> Iterable[tuple[str, bytes]]:
        """(file name, content) of each document of the case."""
        ...

    def remove(self, session: Session, case_id: int) -> int:
        """Remove the case's documents in this transaction; how many."""
        ...


#: Registered by the composition root (``register_document_store``): each makes the store
#: of a runtime's settings (its var directory).
DOCUMENT_STORES: list[Callable[[Settings], DocumentStore]] = []


def register_document_store(store: Callable[[Settings], DocumentStore]) -> None:
    # Every bootstrap registers the programme again (tests bootstrap many runtimes).
    if store not in DOCUMENT_STORES:
        DOCUMENT_STORES.append(store)


def document_stores(settings: Settings) -> list[DocumentStore]:
    return [make(settings) for make in DOCUMENT_STORES]


@dataclass(frozen=True)
class Timeline:
    """A table of the case's history: its JSON values lose their free text (``neutral_data``)
    and its text columns are removed."""

    name: str
    model: type[Any]
    json: tuple[str, ...]
    text: tuple[str, ...]


TIMELINE = (
    Timeline("events", CaseEventRow, ("data",), ("reason",)),
    Timeline("activities", CaseActivityRow, ("data",), ("reason",)),
    Timeline("effects", OutboxRow, ("payload",), ()),
    Timeline("approvals", ApprovalRow, ("data", "decisions"), ("reason", "outcome_reason")),
)


def _neutral(value: Any) -> Any:
    if isinstance(value, Mapping):
        return neutral_data(value)
    if isinstance(value, list):
        return [_neutral(item) for item in value]
    return value


def _timeline_rows(session: Session, case_id: int) -> list[tuple[Timeline, Any]]:
    return [
        (part, row)
        for part in TIMELINE
        for row in session.scalars(
            select(part.model).where(part.model.case_id == case_id).order_by(part.model.id)
        )
    ]


def _needs_scrub(part: Timeline, row: Any) -> bool:
    if any(getattr(row, name) is not None for name in part.text):
        return True
    return any(_neutral(getattr(row, name)) != getattr(row, name) for name in part.json)


def _scrub(part: Timeline, row: Any) -> None:
    for name in part.json:
        setattr(row, name, _neutral(getattr(row, name)))
    for name in part.text:
        setattr(row, name, None)


def personal_rows(session: Session, case_id: int, settings: Settings) -> dict[str, int]:
    """Rows of the case that still hold personal data, per table (what a run removes)."""
    counts: dict[str, int] = {}
    for item in PERSONAL:
        if not item.replacements():
            continue
        rows = session.scalar(
            select(func.count())
            .select_from(item.table)
            .where(item.owner(case_id), item.holds_personal())
        )
        if rows:
            counts[item.name] = int(rows)
    for part, row in _timeline_rows(session, case_id):
        if _needs_scrub(part, row):
            counts[part.name] = counts.get(part.name, 0) + 1
    documents = sum(
        len(list(store.documents(session, case_id))) for store in document_stores(settings)
    )
    if documents:
        counts["documents"] = documents
    return counts


def anonymise(session: Session, case_id: int, settings: Settings) -> dict[str, int]:
    """Remove the case's personal data in the caller's transaction; rows changed per table.
    Idempotent: rows already blank are not touched, so a second run changes nothing."""
    counts: dict[str, int] = {}
    for item in PERSONAL:
        values = item.replacements()
        if not values:
            continue
        result = session.execute(
            update(item.table)
            .where(item.owner(case_id), item.holds_personal())
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            counts[item.name] = int(result.rowcount)  # type: ignore[attr-defined]
    for part, row in _timeline_rows(session, case_id):
        if _needs_scrub(part, row):
            _scrub(part, row)
            counts[part.name] = counts.get(part.name, 0) + 1
    for store in document_stores(settings):
        removed = store.remove(session, case_id)
        if removed:
            counts["documents"] = counts.get("documents", 0) + removed
    session.flush()
    return counts
