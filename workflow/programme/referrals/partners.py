"""Partner organisations as reference data: adding, correcting and deactivating them,
each change written to the administration's history in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workflow.activity import require_actor
from workflow.programme.administration import record
from workflow.programme.referrals.commands import (
    AddPartner,
    DeactivatePartner,
    EditPartner,
    PartnerAdded,
)
from workflow.programme.referrals.errors import PartnerNotFound
from workflow.programme.referrals.models import PartnerRow
from workflow.programme.shared.errors import AlreadyExists
from workflow.programme.shared.policies import EMAIL, LANGUAGES, policies
from workflow.programme.shared.reference import CODE, codes, reference
from workflow.programme.shared.values import Collector
from workflow.runtime import Runtime
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork


def partner_record(row: PartnerRow) -> dict[str, Any]:
    return {
        "type": row.type,
        "name_hy": row.name_hy,
        "name_en": row.name_en,
        "email": row.email,
        "language": row.language,
        "active": row.active,
    }


def referring_triggers(code: str) -> dict[str, str]:
    """The transitions that refer a family to this partner automatically, with the purpose
    written in the referral (config/programme/partners.toml ``refer_on``)."""
    for seed in policies().partners:
        if seed.code == code:
            return dict(seed.refer_on)
    return {}


def _history(
    rt: Runtime, uow: UnitOfWork, actor: str, row: PartnerRow, action: str, before: dict[str, Any]
) -> None:
    record(
        uow.session,
        at=rt.clock.now(),
        actor=actor,
        area="partner",
        subject=row.code,
        action=action,
        before=before,
        after=partner_record(row),
    )


def _check_fields(
    problems: Collector,
    *,
    type_: str | None,
    name_hy: str | None,
    name_en: str | None,
    email: str | None,
    language: str | None,
) -> None:
    """The same rules for a new partner and a corrected one (None: not given, not checked)."""
    types = codes(reference().partner_types)
    if type_ is not None and type_ not in types:
        problems.add("type", f"must be one of {', '.join(types)}")
    for field, value in (("name_hy", name_hy), ("name_en", name_en)):
        if value is not None and not clean(value):
            problems.add(field, "is required")
        elif value is not None and len(clean(value) or "") > 200:
            problems.add(field, f"is too long ({len(clean(value) or '')} characters, at most 200)")
    if email is not None and not EMAIL.match(email.strip()):
        problems.add("email", f"{email!r} is not an e-mail address")
    if language is not None and language not in LANGUAGES:
        problems.add("language", "must be hy or en")


def add_partner(rt: Runtime, uow: UnitOfWork, command: AddPartner) -> PartnerAdded:
    actor = require_actor(command.actor)
    problems = Collector()
    code = clean(command.code) or ""
    if not CODE.match(code):
        problems.add("code", "use lower-case letters, digits and _ (e.g. ngo_abovyan)")
    _check_fields(
        problems,
        type_=command.type,
        name_hy=command.name_hy or "",
        name_en=command.name_en or "",
        email=command.email or "",
        language=command.language,
    )
    problems.check()
    if uow.session.scalar(select(PartnerRow.id).where(PartnerRow.code == code)) is not None:
        raise AlreadyExists(f"a partner with code {code!r} already exists")
    row = PartnerRow(
        code=code,
        type=command.type,
        name_hy=clean(command.name_hy) or "",
        name_en=clean(command.name_en) or "",
        email=command.email.strip(),
        language=command.language,
        active=True,
    )
    uow.session.add(row)
    uow.session.flush()
    _history(rt, uow, actor, row, "added", {})
    uow.commit()
    return PartnerAdded(row.id)


def _partner(uow: UnitOfWork, code: str) -> PartnerRow:
    given = clean(code) or ""
    row = uow.session.scalar(select(PartnerRow).where(PartnerRow.code == given))
    if row is None:
        known = uow.session.scalars(select(PartnerRow.code).order_by(PartnerRow.code)).all()
        raise PartnerNotFound(given, list(known))
    return row


def edit_partner(rt: Runtime, uow: UnitOfWork, command: EditPartner) -> PartnerAdded:
    actor = require_actor(command.actor)
    problems = Collector()
    _check_fields(
        problems,
        type_=command.type,
        name_hy=command.name_hy,
        name_en=command.name_en,
        email=command.email,
        language=command.language,
    )
    problems.check()
    row = _partner(uow, command.code)
    before = partner_record(row)
    if command.type is not None:
        row.type = command.type
    if command.name_hy is not None:
        row.name_hy = clean(command.name_hy) or ""
    if command.name_en is not None:
        row.name_en = clean(command.name_en) or ""
    if command.email is not None:
        row.email = command.email.strip()
    if command.language is not None:
        row.language = command.language
    if partner_record(row) != before:
        _history(rt, uow, actor, row, "edited", before)
    uow.commit()
    return PartnerAdded(row.id)


def deactivate_partner(rt: Runtime, uow: UnitOfWork, command: DeactivatePartner) -> PartnerAdded:
    actor = require_actor(command.actor)
    row = _partner(uow, command.code)
    if row.active:
        before = partner_record(row)
        row.active = False
        _history(rt, uow, actor, row, "deactivated", before)
    uow.commit()
    return PartnerAdded(row.id)
