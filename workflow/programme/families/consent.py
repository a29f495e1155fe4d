"""The family's consent, given or withdrawn: what the workflow's guards read to let a case
move, and what a referral needs (``consent_rules``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from workflow.activity import require_actor
from workflow.commands import AdvanceCase
from workflow.persistence.models import CaseRow
from workflow.programme.families.commands import (
    ConsentInput,
    ConsentWithdrawn,
    PreviewWithdrawal,
    RecordConsent,
    ReferralConsentWithdrawn,
    WithdrawalPreview,
    WithdrawConsent,
)
from workflow.programme.families.consent_rules import PARTICIPATION, REFERRAL, purposes_value
from workflow.programme.families.models import ConsentRow, FamilyRow, MemberRow
from workflow.programme.shared.cases import (
    CaseFileChanged,
    case_for_change,
    not_in_future,
    record_change,
)
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Collector
from workflow.runtime import Runtime
from workflow.services import advance_case_in, react
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

CONSENT_WITHDRAWN = "consent_withdrawn"


def check_consent(
    rt: Runtime,
    consent: ConsentInput,
    problems: Collector,
    *,
    members: set[int] | None,
    prefix: str = "",
) -> tuple[str, ...]:
    """The consent's problems, each under its field; its purposes as known codes.

    ``members`` are the ids of the case's household, who may have given it; ``None`` at
    registration, where the household is being written and "given by" is optional."""
    purposes = purposes_value(list(consent.purposes), f"{prefix}purposes", problems, reference())
    not_in_future(rt, consent.given_on, f"{prefix}given_on", problems)
    if consent.expires_on is not None and consent.expires_on < consent.given_on:
        problems.add(f"{prefix}expires_on", "must not be before the day the consent was given")
    name = clean(consent.given_by_name)
    if consent.given_by_member_id is not None and name:
        problems.add(f"{prefix}given_by", "choose a household member or name a guardian, not both")
    elif consent.given_by_member_id is not None:
        if members is not None and consent.given_by_member_id not in members:
            problems.add(f"{prefix}given_by", "is not a member of this family's household")
    elif members is not None and not name:
        problems.add(
            f"{prefix}given_by",
            "say who gave the consent: a household member, or a guardian by name",
        )
    if name is not None and len(name) > 200:
        problems.add(f"{prefix}given_by_name", "is too long (at most 200 characters)")
    return purposes


def consent_row(
    case_id: int, consent: ConsentInput, purposes: tuple[str, ...], *, actor: str, now: datetime
) -> ConsentRow:
    return ConsentRow(
        case_id=case_id,
        purposes=list(purposes),
        note=clean(consent.note),
        given_on=consent.given_on,
        expires_on=consent.expires_on,
        given_by_member_id=consent.given_by_member_id,
        given_by_name=clean(consent.given_by_name),
        document_id=consent.document_id,
        recorded_by=actor,
        recorded_at=now,
    )


def _household(uow: UnitOfWork, case_id: int) -> set[int]:
    return set(
        uow.session.scalars(
            select(MemberRow.id)
            .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
            .where(FamilyRow.case_id == case_id, MemberRow.removed_at.is_(None))
        )
    )


def record_consent(rt: Runtime, uow: UnitOfWork, command: RecordConsent) -> CaseFileChanged:
    actor = require_actor(command.actor)
    problems = Collector()
    members = _household(uow, command.case_id)
    purposes = check_consent(rt, command.consent, problems, members=members)
    problems.check()
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    row = consent_row(case.id, command.consent, purposes, actor=actor, now=rt.clock.now())
    uow.session.add(row)
    uow.session.flush()
    data: dict[str, Any] = {
        "consent_id": row.id,
        "purposes": list(purposes),
        "given_on": row.given_on.isoformat(),
    }
    if row.expires_on is not None:
        data["expires_on"] = row.expires_on.isoformat()
    version = record_change(rt, uow, case=case, trigger="record_consent", actor=actor, data=data)
    uow.commit()
    return CaseFileChanged(case.id, "record_consent", version, row.id)


def withdraw_consent(rt: Runtime, uow: UnitOfWork, command: WithdrawConsent) -> ConsentWithdrawn:
    """The family withdraws its consent, all of it or some purposes, in one transaction.

    Every record covering a withdrawn purpose is marked withdrawn; a record that also
    covered purposes the family keeps is recorded again for those alone (same day given,
    expiry, giver and note), so the file shows what was withdrawn when. Withdrawing
    participation (or everything) closes the case, as before; withdrawing referral only
    leaves it open. Withdrawing referral blocks new referrals, and the answer lists the
    family's referrals still open (referrals/ fills them in)."""
    actor = require_actor(command.actor)
    plan = _withdrawal_plan(rt, uow, command)
    case, reason, withdrawn_purposes = plan.case, plan.reason, plan.purposes
    everything, touched = not withdrawn_purposes, plan.touched
    kept: dict[int, int] = {}
    now = rt.clock.now()
    for consent in touched:
        consent.withdrawn_on = command.withdrawn_on
        consent.withdrawn_by = actor
        consent.withdrawal_reason = reason
        remaining = (
            [] if everything else [p for p in consent.purposes if p not in withdrawn_purposes]
        )
        if remaining:
            again = _recorded_again(consent, remaining, actor=actor, now=now)
            uow.session.add(again)
            uow.session.flush()
            kept[consent.id] = again.id
    uow.session.flush()
    lost = plan.lost
    data: dict[str, Any] = {
        "consent_ids": [consent.id for consent in touched],
        "purposes": sorted(lost),
        "withdrawn_on": command.withdrawn_on.isoformat(),
    }
    if kept:
        data["kept_as"] = {str(old): new for old, new in kept.items()}
    version = record_change(
        rt,
        uow,
        case=case,
        trigger="withdraw_consent",
        actor=actor,
        reason=reason,
        data=data,
    )
    announced = ReferralConsentWithdrawn(case_id=case.id)
    if plan.tells_referrals:
        react(rt, uow, announced)
    closed_from: str | None = None
    outbox_ids: tuple[int, ...] = ()
    if plan.closes:
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
        version, outbox_ids = closed.version, closed.outbox_ids
    uow.commit()
    return ConsentWithdrawn(
        case_id=case.id,
        closed_from=closed_from,
        version=version,
        outbox_ids=outbox_ids,
        purposes=tuple(sorted(lost)),
        open_referrals=tuple(announced.open_referrals),
    )


@dataclass(frozen=True)
class _Plan:
    case: CaseRow
    reason: str | None
    #: The purposes chosen; none: every consent on file.
    purposes: tuple[str, ...]
    touched: list[ConsentRow]
    lost: set[str]

    @property
    def closes(self) -> bool:
        return not self.purposes or PARTICIPATION in self.purposes

    @property
    def tells_referrals(self) -> bool:
        return not self.purposes or REFERRAL in self.purposes


def _withdrawal_plan(rt: Runtime, uow: UnitOfWork, command: WithdrawConsent) -> _Plan:
    """What a withdrawal touches, checked: the same for doing it and for saying first what
    it will do."""
    problems = Collector()
    not_in_future(rt, command.withdrawn_on, "withdrawn_on", problems)
    withdrawn_purposes: tuple[str, ...] = ()
    if command.purposes:
        withdrawn_purposes = purposes_value(
            list(command.purposes), "purposes", problems, reference()
        )
    problems.check()
    case = case_for_change(rt, uow, command.case_id, command.expected_version)
    active = list(
        uow.session.scalars(
            select(ConsentRow)
            .where(ConsentRow.case_id == case.id, ConsentRow.withdrawn_on.is_(None))
            .order_by(ConsentRow.id)
        )
    )
    everything = not withdrawn_purposes
    touched = [c for c in active if everything or set(c.purposes) & set(withdrawn_purposes)]
    lost = {p for c in touched for p in c.purposes} if everything else set(withdrawn_purposes)
    return _Plan(case, clean(command.reason), withdrawn_purposes, touched, lost)


def preview_withdrawal(
    rt: Runtime, uow: UnitOfWork, command: PreviewWithdrawal
) -> WithdrawalPreview:
    """What the withdrawal would do, read in a transaction that is rolled back: the
    worker sees that the case will close, and which referrals are still open, before
    anything is written."""
    plan = _withdrawal_plan(rt, uow, command.withdrawal)
    announced = ReferralConsentWithdrawn(case_id=plan.case.id)
    if plan.closes or plan.tells_referrals:
        react(rt, uow, announced)
    return WithdrawalPreview(
        case_id=plan.case.id,
        purposes=tuple(p for p in _purpose_order() if p in plan.lost),
        closes=plan.closes,
        state=plan.case.state,
        version=plan.case.version,
        open_referrals=tuple(announced.open_referrals),
    )


def _purpose_order() -> list[str]:
    return [item.code for item in reference().consent_purposes]


def _recorded_again(
    consent: ConsentRow, purposes: list[str], *, actor: str, now: datetime
) -> ConsentRow:
    return ConsentRow(
        case_id=consent.case_id,
        purposes=purposes,
        note=consent.note,
        given_on=consent.given_on,
        expires_on=consent.expires_on,
        given_by_member_id=consent.given_by_member_id,
        given_by_name=consent.given_by_name,
        document_id=consent.document_id,
        recorded_by=actor,
        recorded_at=now,
    )
