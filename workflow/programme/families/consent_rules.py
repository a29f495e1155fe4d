"""What a consent covers, and on which days: the rules the enrolment guard and referrals
read, in plain Python over the family's consent records.

A record covers a purpose on a day when it lists the purpose, was given on or before
that day, has not expired by then (``expires_on`` is its last day) and has not been
withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.programme.families.models import ConsentRow
from workflow.programme.shared.reference import Reference
from workflow.programme.shared.values import Collector

PARTICIPATION = "participation"
REFERRAL = "referral"


def covers(consent: ConsentRow, purpose: str, day: date) -> bool:
    return (
        consent.withdrawn_on is None
        and purpose in (consent.purposes or ())
        and consent.given_on <= day
        and (consent.expires_on is None or day <= consent.expires_on)
    )


def consent_covering(consents: Iterable[ConsentRow], purpose: str, day: date) -> ConsentRow | None:
    """The consent that covers ``purpose`` on ``day`` (the latest given), if any."""
    valid = [consent for consent in consents if covers(consent, purpose, day)]
    return max(valid, key=lambda c: (c.given_on, c.id), default=None)


def case_consents(session: Session, case_id: int) -> list[ConsentRow]:
    return list(
        session.scalars(
            select(ConsentRow).where(ConsentRow.case_id == case_id).order_by(ConsentRow.id)
        )
    )


def has_consent(session: Session, case_id: int, purpose: str, day: date) -> bool:
    return consent_covering(case_consents(session, case_id), purpose, day) is not None


def purposes_value(raw: object, field: str, problems: Collector, ref: Reference) -> tuple[str, ...]:
    """Purpose codes from a list or a comma-separated text; a code, or its label in
    English or Armenian, in any case. In the order of the configured list."""
    if raw is None or raw == "":
        items: list[object] = []
    elif isinstance(raw, str):
        items = list(raw.split(","))
    elif isinstance(raw, list | tuple):
        items = list(raw)
    else:
        problems.add(field, "must be a list of purpose codes")
        return ()
    by_name: dict[str, str] = {}
    for item in ref.consent_purposes:
        by_name[item.code.casefold()] = item.code
        for text in item.labels.values():
            by_name[text.casefold()] = item.code
    chosen: set[str] = set()
    unknown = False
    for given in items:
        text = str(given).strip().casefold() if given is not None else ""
        if not text:
            continue
        code = by_name.get(text)
        if code is None:
            known = ", ".join(p.code for p in ref.consent_purposes)
            problems.add(field, f"{str(given).strip()!r} is not one of: {known}")
            unknown = True
            continue
        chosen.add(code)
    if not chosen and not unknown:
        known = ", ".join(p.code for p in ref.consent_purposes)
        problems.add(field, f"is required: tick what the family agrees to (one of: {known})")
    return tuple(p.code for p in ref.consent_purposes if p.code in chosen)
