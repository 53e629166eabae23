"""Dates and times typed into forms: what is accepted is decided here, once, for every form.

* **The value itself.** A date (``DateInput``) or a date and time (``LocalDateTimeInput``) is typed
  as browsers' date and datetime-local inputs send it, and falls between the years ``FIRST_YEAR``
  and ``LAST_YEAR``: every IANA zone, Python's datetime and both databases take these back and
  forth unchanged (year 1 in Asia/Tokyo overflows Python's datetime; year 9999 is a slip of the
  finger). Anything else gets one message next to the field, and no further check runs on it.
* **A local time in a zone** (an assembly's). One that does not exist there — the hour skipped when
  the clocks go forward — is refused, naming the gap (``to_utc``). One that happens twice — the hour
  repeated when the clocks go back — is taken as the first of the two, as iCalendar does (RFC 5545,
  3.3.5): a time typed without an offset means the same in the calendar file as on the page, and
  pages name the UTC offset of such a time (``offset_if_ambiguous``) so the reader knows which.
* **Relative rules** (``in_the_future``, ``not_in_the_future``, and the validators built on them):
  what is planned lies ahead, at most ``YEARS_AHEAD`` years; what has happened does not lie ahead.
  A value that is the one already saved is always accepted (``unchanged``): organisers fix the
  record of a past assembly, or a draft's title, without retyping its times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField
from wtforms.validators import StopValidation, ValidationError

from organiser.db import utcnow
from organiser.web.inputs import CONTROLS, without_controls

FIRST_YEAR, LAST_YEAR = 2000, 2099
YEARS_AHEAD = 5  # an assembly, a petition's close, a mailing: planned at most this far ahead
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends (minutes: no seconds are shown)
_DATETIME_FORMATS = (DATETIME_FORMAT, "%Y-%m-%d %H:%M")  # typed by hand, a space is as good as a T
# The furthest ahead any place's calendar is (UTC+14): a date up to then is "today" somewhere.
_FURTHEST_AHEAD = timedelta(hours=14)


def _out_of_range() -> Any:
    return _l("Enter a year from %(first)s to %(last)s", first=FIRST_YEAR, last=LAST_YEAR)


def _parse(field: Any, valuelist: list[str], formats: tuple[str, ...], malformed: Any) -> datetime | None:
    """The typed value as a naive datetime, None if empty; ValueError (the message) if it is not a
    real date in the range. A control character is refused, and not shown back."""
    field.data = None
    text = " ".join(valuelist).strip()
    if not text:
        field.raw_data = [""]  # only white space: empty, for the field's "Enter …" (or Optional)
        return None
    if CONTROLS.search(text):
        field.raw_data = [without_controls(text)]
        raise ValueError(malformed)
    for format in formats:
        try:
            value = datetime.strptime(text, format)  # noqa: DTZ007 (naive on purpose: a local time)
        except ValueError:
            continue
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(_out_of_range())
        return value
    raise ValueError(malformed)


class _Checked:
    """A value that could not be read has its one message; the field's other checks are not run
    on it (they would only add "Enter …" to "Enter a real date")."""

    process_errors: list[Any]

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


class DateInput(_Checked, DateField):
    """A day, like 2027-03-31."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format=DATE_FORMAT, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            value = _parse(self, valuelist, (DATE_FORMAT,), _l("Enter a real date, like 2027-03-31"))
            self.data = value.date() if value is not None else None


class LocalDateTimeInput(_Checked, DateTimeLocalField):
    """A date and a time of day to the minute, without a zone (the form says which zone it is in)."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format=DATETIME_FORMAT, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            malformed = _l("Enter a real date and time, like 2027-03-31 09:30")
            self.data = _parse(self, valuelist, _DATETIME_FORMATS, malformed)


# ---- local times in a zone ------------------------------------------------------------------------


class NonexistentTime(ValueError):
    """A wall-clock time the zone skips: the clocks jump from ``before`` to ``after`` (local)."""

    def __init__(self, local: datetime, before: datetime, after: datetime) -> None:
        super().__init__(f"{local} does not exist: the clocks go from {before} to {after}")
        self.local, self.before, self.after = local, before, after

    def message(self, zone_name: str) -> str:
        from flask_babel import format_date, gettext

        return gettext(
            "There is no %(time)s on %(day)s in %(zone)s: the clocks go forward from %(before)s to "
            "%(after)s. Choose a time before %(before)s or from %(after)s",
            time=self.local.strftime("%H:%M"),
            day=format_date(self.local.date(), "long"),
            zone=zone_name,
            before=self.before.strftime("%H:%M"),
            after=self.after.strftime("%H:%M"),
        )


def to_utc(local: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time in ``zone`` as an aware UTC time. A skipped time raises ``NonexistentTime``;
    a repeated one is the first of the two (RFC 5545)."""
    first = local.replace(tzinfo=zone, fold=0)
    moment = first.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentTime(local, *_gap(local, zone))
    return moment


def _gap(local: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The local times between which the clocks jump, around the skipped ``local``: the jump's
    instant lies between ``local`` read with the offset after it and with the offset before it."""
    low = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if high < low:
        low, high = high, low
    offset_before = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    after = high.astimezone(zone).replace(tzinfo=None, microsecond=0)
    jump = high.astimezone(zone).utcoffset() - offset_before  # type: ignore[operator]
    return after - jump, after


def offset_if_ambiguous(local: datetime | None) -> str:
    """ "UTC+01:00" for an aware local time its zone shows twice (the clocks went back), else ""."""
    if local is None or local.tzinfo is None:
        return ""
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() == local.utcoffset():
        return ""
    return utc_offset(local)


def utc_offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# ---- relative rules -------------------------------------------------------------------------------


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _moment(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # a naive form time is UTC


def in_the_future(value: date | datetime, *, now: datetime | None = None) -> None:
    """ValidationError unless ``value`` lies ahead: a time after now, or a date from today (UTC, as
    petitions close), and at most ``YEARS_AHEAD`` years ahead."""
    now = now or utcnow()
    latest = _years_later(now.date(), YEARS_AHEAD)
    if isinstance(value, datetime):
        if _moment(value) <= now:
            raise ValidationError(_l("Choose a time in the future"))
        day = _moment(value).astimezone(UTC).date()
    else:
        if value < now.date():
            raise ValidationError(_l("Choose today or a later date"))
        day = value
    if day > latest:
        raise ValidationError(_l("Choose a date within %(years)s years from today", years=YEARS_AHEAD))


def not_in_the_future(value: date | datetime, *, now: datetime | None = None) -> None:
    """ValidationError if ``value`` lies ahead: a time after now, or a date that is not today yet
    anywhere in the world."""
    now = now or utcnow()
    if isinstance(value, datetime):
        if _moment(value) > now:
            raise ValidationError(_l("Choose a time that has passed"))
    elif value > (now + _FURTHEST_AHEAD).date():
        raise ValidationError(_l("Choose today or an earlier date"))


def unchanged(form: Any, field: Any) -> bool:
    """Whether the field holds the value already saved (``form.saved``, by field name)."""
    saved = getattr(form, "saved", None) or {}
    return field.name in saved and saved[field.name] == field.data


class InTheFuture:
    """The field's date or (UTC) time lies ahead (``in_the_future``), unless it is the saved one."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None and not unchanged(form, field):
            in_the_future(field.data)


class NotInTheFuture:
    """The field's date or (UTC) time does not lie ahead, unless it is the saved one."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None and not unchanged(form, field):
            not_in_the_future(field.data)
