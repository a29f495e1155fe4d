"""The family's consent, given or withdrawn: what the workflow's guards read to let a case
move."""

from __future__ import annotations

from sqlalchemy import select

from workflow.activity import require_actor
from workflow.commands import AdvanceCase
from workflow.programme.families.commands import ConsentWithdrawn, RecordConsent, WithdrawConsent
from workflow.programme.families.models import ConsentRow
from workflow.programme.shared.cases import (
    CaseFileChanged,
    case_for_change,
    not_in_future,
    record_change,
)
from workflow.programme.shared.values import Collector
from workflow.runtime import Runtime
from workflow.services import advance_case_in
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

CONSENT_WITHDRAWN = "consent_withdrawn"


def record_consent(rt: Runtime, uow: UnitOfWork, command: RecordConsent) -> CaseFileChanged:
    actor = require_actor(command.actor)
    problems = Collector()
    purpose = clean(command.consent.purpose)
    if purpose is None:
        problems.add("purpose", "is required (what the family agrees to)")
    not_in_future(rt, command.consent.given_on, "given_on", problems)
    problems.check()
    assert purpose is not None
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    row = ConsentRow(
        case_id=case.id,
        purpose=purpose,
        given_on=command.consent.given_on,
        recorded_by=actor,
        recorded_at=rt.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="record_consent",
        actor=actor,
        data={"consent_id": row.id, "given_on": row.given_on.isoformat()},
    )
    uow.commit()
    return CaseFileChanged(case.id, "record_consent", version, row.id)


def withdraw_consent(rt: Runtime, uow: UnitOfWork, command: WithdrawConsent) -> ConsentWithdrawn:
    """The family withdraws its consent: every consent on file is marked withdrawn and the
    case is closed with that reason, in one transaction (both or neither)."""
    actor = require_actor(command.actor)
    problems = Collector()
    not_in_future(rt, command.withdrawn_on, "withdrawn_on", problems)
    problems.check()
    reason = clean(command.reason)
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    active = list(
        uow.session.scalars(
            select(ConsentRow).where(
                ConsentRow.case_id == case.id, ConsentRow.withdrawn_on.is_(None)
            )
        )
    )
    for consent in active:
        consent.withdrawn_on = command.withdrawn_on
        consent.withdrawn_by = actor
        consent.withdrawal_reason = reason
    uow.session.flush()
    record_change(
        rt,
        uow,
        case=case,
        trigger="withdraw_consent",
        actor=actor,
        reason=reason,
        data={
            "consent_ids": [consent.id for consent in active],
            "withdrawn_on": command.withdrawn_on.isoformat(),
        },
    )
    closed_from = case.state
    closed = advance_case_in(
        rt,
        uow,
        AdvanceCase(
            case_id=case.id,
            trigger="close",
            actor=actor,
            reason=reason or "the family withdrew its consent",
            data={"closure_reason": CONSENT_WITHDRAWN},
        ),
    )
    uow.commit()
    return ConsentWithdrawn(
        case_id=case.id,
        closed_from=closed_from,
        version=closed.version,
        outbox_ids=closed.outbox_ids,
    )
