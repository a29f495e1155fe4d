"""A prospective foster family from its inquiry to the end of its training: registering
the inquiry (which opens its case), the application and its documents, the home
assessment, the training sessions. Each record is an entry on the case's timeline; the
transitions that follow them are fired with ``hogatar case advance``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.activity import require_actor
from workflow.commands import OpenCase
from workflow.persistence.models import CaseRow
from workflow.programme.foster_care.commands import (
    InquiryRegistered,
    RecordApplication,
    RecordHomeAssessment,
    RecordTraining,
    RegisterInquiry,
)
from workflow.programme.foster_care.config import foster_rules
from workflow.programme.foster_care.errors import (
    FosterFamilyNotRegistered,
    NotAFosterCase,
    WrongStep,
)
from workflow.programme.foster_care.models import (
    FosterApplicationRow,
    FosterFamilyRow,
    FosterHomeAssessmentRow,
    FosterTrainingRow,
)
from workflow.programme.inbox import active_managers
from workflow.programme.shared.cases import (
    FOSTER_WORKFLOW,
    CaseFileChanged,
    not_in_future,
    record_change,
)
from workflow.programme.shared.values import (
    Collector,
    phone_value,
    text_value,
    whole_number,
)
from workflow.programme.staff import StaffRow, community, staff_member
from workflow.runtime import Runtime
from workflow.services import load_case, open_case_in
from workflow.text import search_key
from workflow.unit_of_work import UnitOfWork

#: At most this many adults or children in one household: a typing slip otherwise.
MAX_HOUSEHOLD = 20


def foster_case(
    rt: Runtime,
    uow: UnitOfWork,
    case_id: int,
    expected_version: int | None,
    *,
    what: str,
    states: Sequence[str],
) -> CaseRow:
    """A foster-care case at the caller's version, in one of the ``states`` where ``what``
    is recorded (a closed case is in none of them)."""
    case = load_case(uow, case_id, expected_version)
    if case.workflow != FOSTER_WORKFLOW:
        raise NotAFosterCase(case.id, case.workflow)
    if case.state not in states:
        raise WrongStep(case.id, what, case.state, states)
    return case


def foster_family_of(session: Session, case_id: int) -> FosterFamilyRow:
    row = session.scalar(select(FosterFamilyRow).where(FosterFamilyRow.case_id == case_id))
    if row is None:
        raise FosterFamilyNotRegistered(case_id)
    return row


def worker_to_remind(session: Session, case_id: int) -> StaffRow | None:
    """The family's social worker while active, else the first active manager."""
    family = session.scalar(select(FosterFamilyRow).where(FosterFamilyRow.case_id == case_id))
    if family is not None and family.social_worker_id is not None:
        worker = session.get(StaffRow, family.social_worker_id)
        if worker is not None and worker.active:
            return worker
    managers = active_managers(session)
    return managers[0] if managers else None


def _known_codes(
    given: Iterable[str], known: list[str], field: str, problems: Collector
) -> list[str]:
    """The codes given, each once and in the configured order; unknown ones are named."""
    wanted = list(dict.fromkeys(code.strip() for code in given if code.strip()))
    for code in wanted:
        if code not in known:
            problems.add(field, f"{code!r} is not one of: {', '.join(known)}")
    return [code for code in known if code in wanted]


def register_inquiry(rt: Runtime, uow: UnitOfWork, command: RegisterInquiry) -> InquiryRegistered:
    """Open the foster family's case (state ``inquiry``) together with its file."""
    actor = require_actor(command.actor)
    problems = Collector()
    name = text_value(command.family_name, "family_name", problems, required=True)
    text_value(command.community, "community", problems, required=True)
    phone = phone_value(command.phone, "phone", problems)
    address = text_value(command.address, "address", problems, max_length=300)
    motivation = text_value(command.motivation, "motivation", problems, max_length=2000)
    source = text_value(command.inquiry_source, "inquiry_source", problems)
    adults = whole_number(command.adults, "adults", problems, required=True, minimum=1)
    children = whole_number(command.children_in_household, "children_in_household", problems)
    for field, number in (("adults", adults), ("children_in_household", children)):
        if number is not None and number > MAX_HOUSEHOLD:
            problems.add(field, f"must be at most {MAX_HOUSEHOLD} (got {number})")
    problems.check()
    assert name is not None and adults is not None  # required above
    session = uow.session
    place = community(session, command.community)
    opened = open_case_in(
        rt,
        uow,
        OpenCase(actor=actor, workflow=FOSTER_WORKFLOW, family_name=name, community=place.name_hy),
    )
    now = rt.clock.now()
    worker = session.scalar(select(StaffRow).where(StaffRow.username == actor))
    follows = worker is not None and worker.active and worker.role == "social_worker"
    row = FosterFamilyRow(
        case_id=opened.case_id,
        family_name=name,
        name_key=search_key(name),
        community_id=place.id,
        address=address,
        phone=phone,
        adults=adults,
        children_in_household=children or 0,
        motivation=motivation,
        inquiry_source=source,
        # The social worker who takes the inquiry follows the family, as with families.
        social_worker_id=worker.id if follows and worker is not None else None,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    case = session.get(CaseRow, opened.case_id)
    assert case is not None  # opened just above
    # The case row's copy of the community, which the caseload's filter reads (0027).
    case.community_id = place.id
    data: dict[str, Any] = {"foster_family_id": row.id, "community": place.code, "adults": adults}
    if follows and worker is not None:
        data["social_worker"] = worker.username
    version = record_change(
        rt, uow, case=case, trigger="register_foster_inquiry", actor=actor, data=data
    )
    uow.commit()
    return InquiryRegistered(case_id=case.id, foster_family_id=row.id, version=version)


def record_application(rt: Runtime, uow: UnitOfWork, command: RecordApplication) -> CaseFileChanged:
    """The application, or documents received later for it (a further row: the
    documents on file are those of every row)."""
    actor = require_actor(command.actor)
    rules = foster_rules()
    problems = Collector()
    documents = _known_codes(
        command.documents, [d.code for d in rules.required_documents], "documents", problems
    )
    notes = text_value(command.notes, "notes", problems, max_length=2000)
    not_in_future(rt, command.submitted_on, "submitted_on", problems)
    problems.check()
    case = foster_case(
        rt,
        uow,
        command.case_id,
        command.expected_version,
        what="the application",
        states=("inquiry", "application"),
    )
    foster_family_of(uow.session, case.id)
    row = FosterApplicationRow(
        case_id=case.id,
        submitted_on=command.submitted_on,
        documents=documents,
        notes=notes,
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_foster_application",
        actor=actor,
        data={
            "application_id": row.id,
            "submitted_on": row.submitted_on.isoformat(),
            "documents": documents,
        },
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_foster_application", version, row.id)


def record_home_assessment(
    rt: Runtime, uow: UnitOfWork, command: RecordHomeAssessment
) -> CaseFileChanged:
    """A home assessment; a later one (conditions met, a new home) replaces its verdict."""
    actor = require_actor(command.actor)
    rules = foster_rules()
    problems = Collector()
    outcomes = [item.code for item in rules.outcomes]
    if command.outcome not in outcomes:
        problems.add("outcome", f"{command.outcome!r} is not one of: {', '.join(outcomes)}")
    recommendation = text_value(
        command.recommendation, "recommendation", problems, required=True, max_length=4000
    )
    not_in_future(rt, command.assessed_on, "assessed_on", problems)
    problems.check()
    assert recommendation is not None  # required above
    case = foster_case(
        rt,
        uow,
        command.case_id,
        command.expected_version,
        what="a home assessment",
        states=("home_assessment", "training"),
    )
    assessor = staff_member(uow.session, command.assessor)
    row = FosterHomeAssessmentRow(
        case_id=case.id,
        assessed_on=command.assessed_on,
        assessor_id=assessor.id,
        outcome=command.outcome,
        recommendation=recommendation,
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_foster_home_assessment",
        actor=actor,
        data={
            "home_assessment_id": row.id,
            "assessor": assessor.username,
            "assessed_on": row.assessed_on.isoformat(),
            "outcome": row.outcome,
        },
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_foster_home_assessment", version, row.id)


def record_training(rt: Runtime, uow: UnitOfWork, command: RecordTraining) -> CaseFileChanged:
    """A session of the preparation training and the modules it covered."""
    actor = require_actor(command.actor)
    rules = foster_rules()
    problems = Collector()
    modules = _known_codes(command.modules, [m.code for m in rules.modules], "modules", problems)
    if not modules and not any(code.strip() for code in command.modules):
        problems.add("modules", "name the modules the session covered")
    trainer = text_value(command.trainer, "trainer", problems, required=True)
    notes = text_value(command.notes, "notes", problems, max_length=2000)
    not_in_future(rt, command.held_on, "held_on", problems)
    problems.check()
    assert trainer is not None  # required above
    case = foster_case(
        rt,
        uow,
        command.case_id,
        command.expected_version,
        what="a training session",
        states=("training",),
    )
    row = FosterTrainingRow(
        case_id=case.id,
        held_on=command.held_on,
        modules=modules,
        trainer=trainer,
        notes=notes,
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_foster_training",
        actor=actor,
        data={"training_id": row.id, "held_on": row.held_on.isoformat(), "modules": modules},
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_foster_training", version, row.id)
