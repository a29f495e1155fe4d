from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from workflow.clock import local_day


def test_the_day_is_yerevans_not_utcs() -> None:
    # At 21:30 UTC it is already 01:30 of the next day in Yerevan: forms start at that day
    # and a date typed as "today" there is not in the future.
    assert local_day(datetime(2026, 12, 1, 21, 30, tzinfo=UTC)) == date(2026, 12, 2)
    assert local_day(datetime(2026, 12, 1, 19, 59, tzinfo=UTC)) == date(2026, 12, 1)


def test_a_naive_moment_from_sqlite_is_read_as_utc() -> None:
    assert local_day(datetime(2026, 12, 1, 20, 0)) == date(2026, 12, 2)
    assert local_day(datetime(2026, 12, 2, 1, 0, tzinfo=timezone(timedelta(hours=4)))) == date(
        2026, 12, 2
    )
