"""A period of local calendar days, and the SQL that puts stored times on those days.

Figures per day are counted by the database (``GROUP BY`` the day), never by loading rows. Times are
stored in UTC; a day is a day of the calendar in a chosen time zone:

* on PostgreSQL, ``date(timezone(zone, t))`` (``t AT TIME ZONE zone``);
* SQLite knows no zones, so there it is ``date(t, '+N minutes')`` with the zone's UTC offset chosen
  by a ``CASE`` over the clock changes within the period (found here, from the server's zoneinfo,
  to the second). Both give the same days, clock changes included.

A period runs from the local midnight that starts its first day to the one that ends its last
(``start``, ``end``: UTC instants for the ``WHERE`` of a query, so that an index on the time serves it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal

from organiser.db import utcnow

_SAMPLE = timedelta(
    hours=6
)  # zones change their offset at most once in this long (in practice, twice a year)


@dataclass(frozen=True)
class Period:
    """The days ``first`` to ``last`` (both included) on the calendar of ``zone`` (an IANA name)."""

    first: date
    last: date
    zone: str = "UTC"

    @property
    def tz(self) -> ZoneInfo:
        return _zone(self.zone)

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return local_midnight(self.first, self.tz)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1), self.tz)

    def before(self) -> Period:
        """The period of the same length just before this one (to compare with)."""
        return Period(self.first - timedelta(days=self.length), self.first - timedelta(days=1), self.zone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.length)]

    def weeks(self) -> list[date]:
        """The Monday of each week (ISO: Monday to Sunday) that has a day in the period."""
        monday = week_of(self.first)
        return [monday + timedelta(weeks=i) for i in range((self.last - monday).days // 7 + 1)]


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``zone``. Where a clock change skips midnight the day
    begins when the clocks jump (fold 0 reads the skipped time with the offset before the change)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def today_in(zone: str, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(_zone(zone)).date()


def last_days(days: int, zone: str, now: datetime | None = None) -> Period:
    """The ``days`` days ending today (in ``zone``), today included."""
    today = today_in(zone, now)
    return Period(today - timedelta(days=days - 1), today, zone)


# ---- the day of a stored time, in SQL ---------------------------------------------------------------


def day_of(column: Any, dialect: str, zone: str, since: datetime, until: datetime) -> Any:
    """The calendar day in ``zone`` of ``column`` (a stored UTC time), as SQL; exact for times in
    [``since``, ``until``). Read what it gives with ``as_date``."""
    if dialect == "postgresql":
        # The zone written into the SQL: the same expression in SELECT and GROUP BY, whatever the driver.
        return func.date(func.timezone(literal(zone, literal_execute=True), column))
    stretches = offsets(_zone(zone), since, until)
    modifier: Any = literal(_minutes(stretches[0][1]))
    if len(stretches) > 1:
        pairs = zip(stretches[1:], stretches[:-1], strict=True)
        whens = [(column < at, _minutes(before)) for (at, _o), (_a, before) in pairs]
        modifier = case(*whens, else_=_minutes(stretches[-1][1]))
    return func.date(column, modifier)


def day_in(column: Any, dialect: str, period: Period) -> Any:
    """The day of ``column`` for a time within ``period`` (``within``), as SQL."""
    return day_of(column, dialect, period.zone, period.start, period.end)


def within(column: Any, period: Period) -> list[Any]:
    """The condition that ``column`` falls within the period's days: a range an index serves."""
    return [column >= period.start, column < period.end]


def _minutes(offset: int) -> str:
    return f"{offset:+d} minutes"


def as_date(value: Any) -> date:
    """A day as the database answers it: a ``date`` (PostgreSQL) or ``YYYY-MM-DD`` text (SQLite)."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def offsets(zone: ZoneInfo, since: datetime, until: datetime) -> list[tuple[datetime, int]]:
    """The stretches of [``since``, ``until``) with one UTC offset each: (from this instant, offset in
    minutes), the first from ``since``. A change is found to the second (zones change on a second)."""

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(zone).utcoffset() or timedelta(0)
        return int(delta.total_seconds()) // 60

    since, until = since.astimezone(UTC), until.astimezone(UTC)
    stretches = [(since, offset(since))]
    moment = since
    while moment < until:
        following = min(moment + _SAMPLE, until)
        if offset(following) != stretches[-1][1]:
            changed_at = _change_between(moment, following, offset)
            stretches.append((changed_at, offset(changed_at)))
        moment = following
    return stretches


def _change_between(low: datetime, high: datetime, offset: Any) -> datetime:
    """The first whole second in (``low``, ``high``] whose offset is not ``low``'s."""
    before = offset(low)
    lo, hi = int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if offset(datetime.fromtimestamp(middle, UTC)) == before:
            lo = middle
        else:
            hi = middle
    return datetime.fromtimestamp(hi, UTC)
