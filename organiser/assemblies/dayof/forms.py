"""The organisers' forms for the days around an assembly: when registrants are reminded, checking
someone in by their code, and registering a walk-in at the door."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from organiser.web.forms import MAX_EMAIL, EmailAddress, Form

_UNITS = {"d": 24 * 60, "h": 60, "m": 1}
_OFFSET = re.compile(r"(\d{1,4})\s*([dhm])", re.IGNORECASE)
MAX_REMINDERS = 4
LONGEST = 60 * 24 * 60  # sixty days ahead, in minutes


def offsets_text(minutes: list[int]) -> str:
    """``[10080, 1440, 90]`` as the form shows it: ``7d, 1d, 90m``."""
    parts = []
    for value in minutes:
        unit = next(u for u, size in _UNITS.items() if value % size == 0)
        parts.append(f"{value // _UNITS[unit]}{unit}")
    return ", ".join(parts)


class RemindersForm(Form):
    offsets = StringField(
        _l("When to remind registrants"),
        description=_l(
            "How long before the start, separated by commas: 7d is seven days, 1d one day, 3h three "
            "hours, 30m thirty minutes. Leave it empty to send no reminders."
        ),
        validators=[Optional(), Length(max=100)],
        render_kw={"spellcheck": "false", "autocapitalize": "none", "autocomplete": "off"},
    )

    minutes: list[int]

    def validate_offsets(self, field: StringField) -> None:
        """Each part a number with its unit, none beyond sixty days, at most four, each once."""
        self.minutes = []
        for part in (p.strip() for p in (field.data or "").split(",")):
            match = _OFFSET.fullmatch(part)
            if not match:
                raise ValidationError(_l("Write each time as a number and d, h or m, like 7d, 1d, 3h"))
            value = int(match.group(1)) * _UNITS[match.group(2).lower()]
            if not 0 < value <= LONGEST:
                raise ValidationError(_l("Choose times between 1 minute and 60 days before the start"))
            if value not in self.minutes:
                self.minutes.append(value)
        if len(self.minutes) > MAX_REMINDERS:
            raise ValidationError(_l("Send at most four reminders"))
        self.minutes.sort(reverse=True)

    def validate(self, extra_validators: Any = None) -> bool:
        self.minutes = []  # an empty field (Optional stops there): no reminders
        return super().validate(extra_validators)


class WalkInForm(Form):
    """Someone who came without registering: counted as taking part at once."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter the person's name")), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mail address"),
        description=_l("Optional. Only if they want to hear about what the assembly decides."),
        validators=[Optional(), Length(max=MAX_EMAIL), EmailAddress()],
        render_kw={"autocomplete": "off", "spellcheck": "false", "inputmode": "email"},
    )
    region = StringField(
        _l("Town or region"),
        description=_l("Optional. For the attendance by region."),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    language = StringField(
        _l("Language they will speak"),
        description=_l("Optional. For the attendance by language."),
        validators=[Optional(), Length(max=60)],
        render_kw={"autocomplete": "off"},
    )
