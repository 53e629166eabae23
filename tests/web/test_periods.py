"""Periods of local days, and where a zone's clocks change within one (what SQLite's day of a time
is computed from: it must agree with PostgreSQL's ``AT TIME ZONE``, tested in tests/desk)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from organiser.web.periods import Period, last_days, local_midnight, offsets, week_of


def test_a_period_its_bounds_in_utc_and_the_one_before():
    period = Period(date(2025, 3, 29), date(2025, 3, 31), "Europe/London")
    assert period.length == 3
    assert period.start == datetime(2025, 3, 29, 0, 0, tzinfo=UTC)
    assert period.end == datetime(2025, 3, 31, 23, 0, tzinfo=UTC), "1 April begins at 23:00 UTC (BST)"
    assert period.before() == Period(date(2025, 3, 26), date(2025, 3, 28), "Europe/London")
    assert period.weeks() == [date(2025, 3, 24), date(2025, 3, 31)]
    assert week_of(date(2025, 3, 30)) == date(2025, 3, 24), "weeks begin on Monday"


def test_the_last_days_end_today_in_the_zone():
    late = datetime(2025, 3, 9, 22, 30, tzinfo=UTC)  # already the 10th in Lusaka
    assert last_days(7, "Africa/Lusaka", late) == Period(date(2025, 3, 4), date(2025, 3, 10), "Africa/Lusaka")
    assert last_days(7, "UTC", late).last == date(2025, 3, 9)


def test_a_day_whose_midnight_the_clocks_skip_begins_when_they_jump():
    # Chile's clocks went forward from 00:00 to 01:00 on 7 September 2025 (Santiago).
    start = local_midnight(date(2025, 9, 7), ZoneInfo("America/Santiago"))
    assert start == datetime(2025, 9, 7, 4, 0, tzinfo=UTC)
    assert start.astimezone(ZoneInfo("America/Santiago")).hour == 1


def test_the_offsets_within_a_span_change_on_the_second_the_clocks_do():
    london = ZoneInfo("Europe/London")
    year = offsets(london, datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert year == [
        (datetime(2025, 1, 1, tzinfo=UTC), 0),
        (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), 60),
        (datetime(2025, 10, 26, 1, 0, tzinfo=UTC), 0),
    ]
    kathmandu = offsets(
        ZoneInfo("Asia/Kathmandu"), datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
    )
    assert kathmandu == [(datetime(2025, 1, 1, tzinfo=UTC), 345)]
