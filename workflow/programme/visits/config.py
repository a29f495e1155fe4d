"""The plan reviews' rules that are data (``config/programme/visits.toml``): how many
months between reviews and how many days before one its reminder falls due. Read and
checked once; start-up stops on a bad file, naming what is wrong."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from workflow.programme.shared.reference import PROGRAMME_DIR, ReferenceDataError, _read

NAME = "visits.toml"


@dataclass(frozen=True)
class ReviewRules:
    #: A plan is reviewed this many months after its first goal, then after each review.
    every_months: int
    remind_before: timedelta

    def next_after(self, day: date) -> date:
        return add_months(day, self.every_months)

    def reminder_day(self, due: date, today: date) -> date:
        """When the reminder of a review due on ``due`` falls due: some days before, but
        never before today (a review set close by is reminded at once)."""
        return max(due - self.remind_before, today)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day
    (31 August + 6 months is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _whole(value: object, key: str, default: int, minimum: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ReferenceDataError(
            f"{NAME}: {key} must be a whole number, at least {minimum} (got {value!r})"
        )
    return value


def load_review_rules(directory: Path = PROGRAMME_DIR) -> ReviewRules:
    raw = _read(directory, NAME).get("plan_reviews", {})
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"{NAME}: [plan_reviews] must be a table")
    return ReviewRules(
        every_months=_whole(raw.get("every_months"), "plan_reviews.every_months", 6, 1),
        remind_before=timedelta(
            days=_whole(raw.get("remind_days_before"), "plan_reviews.remind_days_before", 14, 0)
        ),
    )


@lru_cache(maxsize=1)
def review_rules() -> ReviewRules:
    return load_review_rules()
