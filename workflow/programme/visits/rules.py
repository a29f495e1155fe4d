"""What a visit, a goal and a review must say: plain checks, used by the service layer
(and by the forms, to say every problem of a form in one answer)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.programme.shared.values import Collector, text_value
from workflow.programme.staff import StaffRow
from workflow.programme.visits.models import GOAL_STATUSES
from workflow.text import clean

#: Staff who work on cases record visits, goals and reviews; a procurement officer sees
#: goods, not families.
WRITER_ROLES = frozenset({"admin", "manager", "social_worker", "psychologist"})
LONG_TEXT = 4000


def check_visit_days(
    *, visited_on: date, next_visit_due: date | None, today: date, problems: Collector
) -> None:
    if visited_on > today:
        problems.add("visited_on", f"{visited_on.isoformat()} is in the future")
    if next_visit_due is not None and next_visit_due <= visited_on:
        problems.add(
            "next_visit_due",
            f"{next_visit_due.isoformat()} must be after the visit ({visited_on.isoformat()})",
        )


def staff_of(
    session: Session, usernames: Sequence[str], field: str, problems: Collector
) -> list[StaffRow]:
    """The active staff members named, in order, each once; at least one."""
    names = list(dict.fromkeys((clean(n) or "").casefold() for n in usernames if clean(n)))
    if not names:
        problems.add(field, "is required: at least one member of staff")
        return []
    found = {
        row.username: row
        for row in session.scalars(select(StaffRow).where(StaffRow.username.in_(names)))
    }
    people = []
    for name in names:
        row = found.get(name)
        if row is None or not row.active:
            problems.add(field, f"no active staff member {name!r}")
        else:
            people.append(row)
    return people


def check_goal_text(what: object, problems: Collector) -> str | None:
    return text_value(what, "what", problems, required=True, max_length=LONG_TEXT)


def check_goal_date(by_when: date | None, today: date, problems: Collector) -> None:
    if by_when is None:
        problems.add("by_when", "is required (a date, e.g. 2024-03-15 or 15.03.2024)")
    elif by_when < today:
        problems.add("by_when", f"{by_when.isoformat()} is in the past")


def check_status(status: object, field: str, problems: Collector) -> str | None:
    if status not in GOAL_STATUSES:
        shown = status if isinstance(status, str) and status else "nothing"
        problems.add(field, f"{shown!r} is not one of: {', '.join(GOAL_STATUSES)}")
        return None
    return str(status)
