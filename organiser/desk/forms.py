"""The desk's period: a plain GET form (the page is a report: its address can be bookmarked and
shared with colleagues). The last 7, 30 or 90 days, or from one date to another (at most
``MAX_DAYS``); per day or per week; days counted in a time zone, the coalition's country's unless
another is chosen. What cannot be read is answered next to its field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from organiser.web.forms import Form
from organiser.web.periods import Period, last_days
from organiser.web.times import DateInput, not_in_the_future
from organiser.web.zones import country_zone, is_zone, zones_of

BETWEEN = "dates"
LAST_DAYS = {"7": 7, "30": 30, "90": 90}
DEFAULT_DAYS = "30"
MAX_DAYS = 366
DAILY_UP_TO = 31  # longer periods are shown week by week unless days are asked for
PERIOD_FIELDS = ("period", "start", "end", "by", "zone")


def _known_zone(form: Any, field: SelectField) -> None:
    if not is_zone(field.data or ""):
        raise ValidationError(_l("Choose a time zone from the list"))


class PeriodForm(Form):
    class Meta(Form.Meta):
        csrf = False

    period = SelectField(
        _l("Period"),
        choices=[
            SelectChoice("7", _l("The last 7 days")),
            SelectChoice("30", _l("The last 30 days")),
            SelectChoice("90", _l("The last 90 days")),
            SelectChoice(BETWEEN, _l("From one date to another")),
        ],
        default=DEFAULT_DAYS,
    )
    start = DateInput(
        _l("From"),
        description=_l("For “From one date to another”: the first day, like 2026-09-01."),
    )
    end = DateInput(_l("To"), description=_l("The last day, included, like 2026-09-30."))
    by = SelectField(
        _l("Show"),
        choices=[
            SelectChoice("", _l("Days, or weeks for more than a month")),
            SelectChoice("day", _l("Day by day")),
            SelectChoice("week", _l("Week by week")),
        ],
        default="",
    )
    zone = SelectField(
        _l("Days in the time zone"),
        description=_l("The time zones of the coalition's countries, and UTC."),
        validate_choice=False,  # any zone the server knows (a link may name another): checked below
        validators=[_known_zone],
    )

    def __init__(self, country: str | None = None, countries: list[str] | None = None, **kwargs: Any) -> None:
        """``country``: the coalition's (its zone is the default; UTC for an alliance with none);
        ``countries``: its and its chapters' (the zones offered)."""
        super().__init__(formdata=request.args, **kwargs)
        self.zone.choices = zones_of(countries or [], keep=self.zone.data or "")
        if "zone" not in request.args:
            self.zone.data = country_zone(country)

    @property
    def between(self) -> bool:
        return self.period.data == BETWEEN

    def validate_start(self, field: DateInput) -> None:
        if self.between and field.data is None and not field.errors:
            raise ValidationError(_l("Enter the first day"))

    def validate_end(self, field: DateInput) -> None:
        if not self.between or field.errors:
            return
        if field.data is None:
            raise ValidationError(_l("Enter the last day"))
        not_in_the_future(field.data)
        first = self.start.data
        if first is not None and field.data < first:
            raise ValidationError(_l("Choose a last day on or after the first"))
        if first is not None and field.data - first >= timedelta(days=MAX_DAYS):
            raise ValidationError(_l("Choose at most %(days)s days", days=MAX_DAYS))

    def chosen(self) -> tuple[Period, str]:
        """The period (once the form is valid) and whether to show it by day or by week."""
        zone = self.zone.data
        if self.between:
            period = Period(self.start.data, self.end.data, zone)
        else:
            period = last_days(LAST_DAYS[self.period.data], zone)
        return period, self.by.data or ("day" if period.length <= DAILY_UP_TO else "week")
