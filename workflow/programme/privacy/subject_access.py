"""The subject-access export: one family's complete file for a data-subject request, as a
zip holding ``case.json`` (every row the programme keeps about the case, and its timeline
with events, activities and effects) and ``documents/`` (the family's documents, each as
``<id>-<name>``: ``anonymise.DocumentStore``).

Written beside the target and renamed at the end, so a failed export leaves no half-
written file; the export is recorded in the access log in the same transaction.
"""

from __future__ import annotations

import json
import os
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from workflow.clock import as_utc
from workflow.errors import CaseNotFound, InvalidInput
from workflow.persistence.models import ApprovalRow, CaseRow
from workflow.programme.assessment import AssessmentRow
from workflow.programme.counselling import CounsellingParticipantRow, CounsellingSessionRow
from workflow.programme.families import ConsentRow, FamilyRow, MemberRow
from workflow.programme.notes import NoteRevisionRow, NoteRow
from workflow.programme.plans import DeliveryRow, IncomeSourceRow, PlannedServiceRow
from workflow.programme.privacy.anonymise import document_stores
from workflow.programme.privacy.commands import SUBJECT_ACCESS_EXPORT
from workflow.programme.privacy.errors import EXPORT, CaseAnonymised
from workflow.programme.privacy.retention import anonymised_at
from workflow.programme.privacy.services import record_access_in
from workflow.programme.procurement import ProcurementRequestRow
from workflow.programme.referrals import ReferralRow
from workflow.programme.reminders import ReminderRow
from workflow.programme.shared.cases import FAMILY_WORKFLOW
from workflow.programme.shared.errors import NotAFamilyCase
from workflow.programme.visits import HomeVisitRow, PlanGoalRow, PlanReviewRow
from workflow.queries import case_view
from workflow.runtime import Runtime


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_dict(row: Any) -> dict[str, Any]:
    """Every column of a row: a subject-access file leaves nothing out."""
    return {column.key: _value(getattr(row, column.key)) for column in row.__table__.columns}


def _rows(session: Session, model: type[Any], where: ColumnElement[bool]) -> list[dict[str, Any]]:
    return [row_dict(row) for row in session.scalars(select(model).where(where).order_by(model.id))]


def subject_file(rt: Runtime, case_id: int) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """The family's complete file as JSON-ready data, and its documents."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None:
            raise CaseNotFound(case_id)
        if case.workflow != FAMILY_WORKFLOW:
            raise NotAFamilyCase(case_id, case.workflow)
        when = anonymised_at(session, case_id)
        if when is not None:
            raise CaseAnonymised(case_id, when, EXPORT)
        family = session.scalar(select(FamilyRow).where(FamilyRow.case_id == case_id))
        planned = select(PlannedServiceRow.id).where(PlannedServiceRow.case_id == case_id)
        sessions = select(CounsellingParticipantRow.session_id).where(
            CounsellingParticipantRow.case_id == case_id
        )
        data: dict[str, Any] = {
            "family": row_dict(family) if family else None,
            "members": _rows(
                session, MemberRow, MemberRow.family_id == (family.id if family else -1)
            ),
            "consents": _rows(session, ConsentRow, ConsentRow.case_id == case_id),
            "assessments": _rows(session, AssessmentRow, AssessmentRow.case_id == case_id),
            "planned_services": _rows(
                session, PlannedServiceRow, PlannedServiceRow.case_id == case_id
            ),
            "deliveries": _rows(session, DeliveryRow, DeliveryRow.planned_service_id.in_(planned)),
            "income_sources": _rows(session, IncomeSourceRow, IncomeSourceRow.case_id == case_id),
            # A group session's other families are not named: only the session itself.
            "counselling_sessions": _rows(
                session, CounsellingSessionRow, CounsellingSessionRow.id.in_(sessions)
            ),
            # Every note, confidential ones too, with the texts corrected ones replaced.
            "case_notes": _rows(session, NoteRow, NoteRow.case_id == case_id),
            "case_note_revisions": _rows(
                session, NoteRevisionRow, NoteRevisionRow.case_id == case_id
            ),
            # Home visits, the plan's goals and its reviews.
            "home_visits": _rows(session, HomeVisitRow, HomeVisitRow.case_id == case_id),
            "plan_goals": _rows(session, PlanGoalRow, PlanGoalRow.case_id == case_id),
            "plan_reviews": _rows(session, PlanReviewRow, PlanReviewRow.case_id == case_id),
            "referrals": _rows(session, ReferralRow, ReferralRow.case_id == case_id),
            "reminders": _rows(session, ReminderRow, ReminderRow.case_id == case_id),
            "procurement_requests": _rows(
                session, ProcurementRequestRow, ProcurementRequestRow.case_id == case_id
            ),
            "approval_requests": _rows(session, ApprovalRow, ApprovalRow.case_id == case_id),
        }
        documents = [
            doc
            for store in document_stores(rt.settings)
            for doc in store.documents(session, case_id)
        ]
    view = case_view(rt, case_id=case_id)
    return (
        {
            "case_id": case_id,
            "exported_at": as_utc(rt.clock.now()).isoformat(),
            "case": {
                key: value for key, value in view.items() if key not in ("timeline", "activities")
            },
            **data,
            "timeline": {"events": view["timeline"], "activities": view.get("activities", [])},
            "documents": [name for name, _content in documents],
        },
        documents,
    )


def export_subject_file(
    rt: Runtime, *, case_id: int, path: Path, actor: str, source: str = "cli"
) -> dict[str, int]:
    """Write the zip to ``path`` (atomically) and log the export; what it holds."""
    data, documents = subject_file(rt, case_id)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("case.json", json.dumps(data, ensure_ascii=False, indent=2))
            for name, content in documents:
                archive.writestr(f"documents/{Path(name).name}", content)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
    try:
        with rt.unit_of_work() as uow:
            record_access_in(
                uow,
                now=rt.clock.now(),
                actor=actor,
                kind=SUBJECT_ACCESS_EXPORT,
                source=source,
                case_id=case_id,
                detail=path.name,
            )
            try:
                os.replace(partial, path)
            except OSError as exc:
                raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
            try:
                uow.commit()
            except BaseException:
                path.unlink(missing_ok=True)  # not logged, so not left behind
                raise
    finally:
        partial.unlink(missing_ok=True)
    return {
        "members": len(data["members"]),
        "events": len(data["timeline"]["events"]),
        "documents": len(documents),
    }
