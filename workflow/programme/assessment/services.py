"""Recording an assessment: criteria checked against the reference data, on the timeline."""

from __future__ import annotations

from workflow.activity import require_actor
from workflow.programme.assessment.commands import RecordAssessment
from workflow.programme.assessment.criteria_copy import copy_latest_criteria
from workflow.programme.assessment.models import AssessmentRow
from workflow.programme.shared.cases import (
    CaseFileChanged,
    case_for_change,
    not_in_future,
    record_change,
)
from workflow.programme.shared.reference import codes, reference
from workflow.programme.shared.values import Collector
from workflow.programme.staff import staff_member
from workflow.runtime import Runtime
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork


def record_assessment(rt: Runtime, uow: UnitOfWork, command: RecordAssessment) -> CaseFileChanged:
    """An assessment (or a re-assessment: earlier ones stay on file)."""
    actor = require_actor(command.actor)
    ref = reference()
    problems = Collector()
    known = codes(ref.additional_criteria)
    criteria = list(dict.fromkeys(command.criteria))
    for code in criteria:
        if code not in known:
            problems.add(
                "criteria", f"{code!r} is not an additional criterion; known: {', '.join(known)}"
            )
    description = clean(command.risk_description)
    if command.risk_of_abandonment and description is None:
        problems.add("risk_description", "describe the risk of child abandonment")
    not_in_future(rt, command.assessed_on, "assessed_on", problems)
    problems.check()
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    assessor = staff_member(uow.session, command.assessor)
    row = AssessmentRow(
        case_id=case.id,
        assessor_id=assessor.id,
        assessed_on=command.assessed_on,
        risk_of_abandonment=command.risk_of_abandonment,
        risk_description=description,
        criteria=[code for code in known if code in criteria],
        notes=clean(command.notes),
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    copy_latest_criteria(uow.session, case)
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_assessment",
        actor=actor,
        data={
            "assessment_id": row.id,
            "assessor": assessor.username,
            "assessed_on": row.assessed_on.isoformat(),
            "risk_of_abandonment": row.risk_of_abandonment,
            "criteria": row.criteria,
        },
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_assessment", version, row.id)
