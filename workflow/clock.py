"""The one source of time, injectable so tests can move it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

#: The programme works on Armenian time (UTC+4, no daylight saving): its days, deadlines
#: and "today" are Yerevan's, while every moment is stored as UTC.
ARMENIA_TIME = timezone(timedelta(hours=4), "AMT")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 15, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_day(moment: datetime) -> date:
    """The calendar day in Armenia at this moment (at 22:00 UTC it is already tomorrow)."""
    return as_utc(moment).astimezone(ARMENIA_TIME).date()
