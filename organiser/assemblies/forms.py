"""The organisers' assembly form and the public registration form (no session, so no CSRF token:
double opt-in, rate limits and a honeypot guard it, as for signing a petition)."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import Select

from organiser.db import as_utc, utcnow
from organiser.messaging.forms import MultiCheckboxField
from organiser.web.forms import Form, PublicForm, slug_field
from organiser.web.times import (
    LocalDateTimeInput,
    NonexistentTime,
    in_the_future,
    offset_if_ambiguous,
    to_utc,
)

KIND_LABELS = {
    "peoples_assembly": _l("People's assembly"),
    "tribunal": _l("Tribunal"),
    "meeting": _l("Meeting"),
}


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _minute(moment: datetime, zone_name: str) -> datetime:
    """A stored time as the form shows it: local, naive, to the minute."""
    return moment.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None, second=0, microsecond=0)


def known_zone(_form: Form, field: StringField) -> None:
    if (field.data or "").strip() not in _zones():
        raise ValidationError(_l("Choose a time zone from the list"))


class ChoiceWithPlaceholder(Select):
    """A select (with or without groups) whose first option asks for a choice and sends nothing."""

    def __init__(self, placeholder: Any) -> None:
        super().__init__()
        self.placeholder = placeholder

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        opening, rest = super().__call__(field, **kwargs).split(">", 1)  # Markup's parts stay Markup
        if field.data:
            option = Markup('<option value="">{}</option>').format(self.placeholder)
        else:
            option = Markup('<option value="" selected>{}</option>').format(self.placeholder)
        return Markup("{}>{}{}").format(opening, option, rest)


class AssemblyForm(Form):
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(key, label) for key, label in KIND_LABELS.items()],
        default="peoples_assembly",
    )
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title")), Length(max=200)])
    slug = slug_field(_l("The end of the assembly's address: lower-case letters, digits and hyphens."))
    description = TextAreaField(
        _l("What it is about"), validators=[Optional(), Length(max=10000)], render_kw={"rows": 5}
    )
    # Choices set by the view (``organiser.assemblies.zones``: in the reader's language, the
    # coalition's country first); checked against them and against zoneinfo.
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Where the assembly takes place. Times below are in this zone."),
        validators=[DataRequired(message=_l("Choose the time zone")), Length(max=64), known_zone],
        widget=ChoiceWithPlaceholder(_l("Choose a time zone")),
        validate_choice=False,  # ``known_zone`` says it, once: any zone zoneinfo knows is a time zone
    )
    starts = LocalDateTimeInput(_l("Starts"), validators=[InputRequired(message=_l("Enter when it starts"))])
    ends = LocalDateTimeInput(_l("Ends"), validators=[InputRequired(message=_l("Enter when it ends"))])
    venue = TextAreaField(
        _l("Venue"),
        description=_l("The place and its address. Leave empty for an online-only assembly."),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    online_url = URLField(
        _l("Online link"),
        description=_l("Optional. Sent only to people whose place is confirmed, never shown publicly."),
        validators=[Optional(), Length(max=500), URL(message=_l("Enter a full link, starting https://"))],
    )
    capacity = IntegerField(
        _l("Places"),
        description=_l("How many people can take part. Once full, people join a waitlist."),
        validators=[
            InputRequired(message=_l("Enter the number of places")),
            NumberRange(min=1, max=1_000_000, message=_l("Enter a whole number of at least 1")),
        ],
    )
    registration_opens = LocalDateTimeInput(
        _l("Registration opens"),
        description=_l("Optional: at once if empty."),
        validators=[Optional()],
    )
    registration_closes = LocalDateTimeInput(
        _l("Registration closes"),
        description=_l("Optional: when the assembly starts if empty."),
        validators=[Optional()],
    )
    languages = StringField(
        _l("Languages"),
        description=_l("Spoken or interpreted, separated by commas, like English, Bemba, Nyanja."),
        validators=[Optional(), Length(max=300)],
    )
    accessibility = TextAreaField(
        _l("Accessibility"),
        description=_l("Step-free access, hearing loop, sign language, childcare, travel support …"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    hosts = MultiCheckboxField(_l("Host organisations"), coerce=int, validate_choice=True)

    def validate_venue(self, field: TextAreaField) -> None:
        if not (field.data or "").strip() and not (self.online_url.data or "").strip():
            raise ValidationError(_l("Give a venue, an online link, or both"))

    # ---- times: typed in the assembly's zone, checked and turned into UTC here (organiser.web.times) ----

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.moments: dict[str, datetime] = {}  # each time field's value in UTC, once validated
        self.kept: set[str] = set()  # the time fields left as they were saved
        self.saved: dict[str, datetime | None] = {}  # set by ``for_editing``: the saved times (UTC)
        self.saved_zone = ""

    def validate_starts(self, field: LocalDateTimeInput) -> None:
        moment = self._utc(field)
        if moment is not None and self._must_lie_ahead(field):
            in_the_future(moment)

    def validate_ends(self, field: LocalDateTimeInput) -> None:
        moment, starts = self._utc(field), self.moments.get("starts")
        if moment is None:
            return
        if starts is not None and moment <= starts:
            raise ValidationError(_l("Choose an end after the start"))
        if self._must_lie_ahead(field):
            in_the_future(moment)

    def validate_registration_opens(self, field: LocalDateTimeInput) -> None:
        moment, starts = self._utc(field), self.moments.get("starts")
        if moment is not None and starts is not None and moment >= starts:
            raise ValidationError(_l("Choose a time before the assembly starts"))

    def validate_registration_closes(self, field: LocalDateTimeInput) -> None:
        moment = self._utc(field)
        opens, ends = self.moments.get("registration_opens"), self.moments.get("ends")
        if moment is None:
            return
        if opens is not None and moment <= opens:
            raise ValidationError(_l("Choose a time after registration opens"))
        if ends is not None and moment > ends:
            raise ValidationError(_l("Choose a time before the assembly ends"))
        if self._must_lie_ahead(field):
            in_the_future(moment)

    def _utc(self, field: LocalDateTimeInput) -> datetime | None:
        """The field's local time as UTC (a time that does not exist in the zone is refused); the
        saved time itself when the field shows it unchanged."""
        zone_name = (self.timezone.data or "").strip()
        if field.data is None or self.timezone.errors or not zone_name:
            return None
        saved = as_utc(self.saved.get(field.name))
        if saved is not None and zone_name == self.saved_zone and _minute(saved, zone_name) == field.data:
            self.kept.add(field.name)
            self.moments[field.name] = saved
            return saved
        try:
            self.moments[field.name] = to_utc(field.data, ZoneInfo(zone_name))
        except NonexistentTime as gap:
            raise ValidationError(gap.message(zone_name)) from None
        return self.moments[field.name]

    def _must_lie_ahead(self, field: LocalDateTimeInput) -> bool:
        """A time typed for an assembly still to come lies ahead; once an assembly has started, its
        organisers may correct its times for the record, and a time left as saved stays."""
        started = as_utc(self.saved.get("starts"))
        return field.name not in self.kept and (started is None or started > utcnow())

    def notes(self) -> list[str]:
        """What to tell the organiser about the times saved: which of two a repeated time is."""
        zone_name = self.timezone.data.strip()
        notes = []
        for name, moment in self.moments.items():
            local = moment.astimezone(ZoneInfo(zone_name))
            if name not in self.kept and offset_if_ambiguous(local):
                notes.append(
                    _(
                        "%(label)s: %(time)s happens twice that night in %(zone)s, when the clocks go "
                        "back. It is taken as the first of the two, at %(offset)s.",
                        label=self[name].label.text,
                        time=local.strftime("%H:%M"),
                        zone=zone_name,
                        offset=offset_if_ambiguous(local),
                    )
                )
        return notes

    def fields_for_service(self) -> dict[str, Any]:
        languages = [part.strip() for part in (self.languages.data or "").split(",") if part.strip()]
        fields = {
            "kind": self.kind.data,
            "title": self.title.data.strip(),
            "description": self.description.data or "",
            "timezone": self.timezone.data.strip(),
            "starts_at": self.moments.get("starts"),
            "ends_at": self.moments.get("ends"),
            "venue": (self.venue.data or "").strip(),
            "online_url": (self.online_url.data or "").strip(),
            "capacity": self.capacity.data,
            "registration_opens_at": self.moments.get("registration_opens"),
            "registration_closes_at": self.moments.get("registration_closes"),
            "languages": languages,
            "accessibility": self.accessibility.data or "",
        }
        if "slug" in self:  # the address is fixed once the assembly exists (links are out)
            fields["slug"] = self.slug.data
        return fields

    @classmethod
    def for_editing(cls, assembly: Any) -> AssemblyForm:
        """The form filled in from an assembly, its times in its own zone; the address stays."""

        def local(moment: Any) -> Any:
            value = assembly.local(moment)
            return value.replace(tzinfo=None) if value is not None else None

        form = cls(
            data={
                "kind": assembly.kind,
                "title": assembly.title,
                "description": assembly.description,
                "timezone": assembly.timezone,
                "starts": local(assembly.starts_at),
                "ends": local(assembly.ends_at),
                "venue": assembly.venue,
                "online_url": assembly.online_url,
                "capacity": assembly.capacity,
                "registration_opens": local(assembly.registration_opens_at),
                "registration_closes": local(assembly.registration_closes_at),
                "languages": ", ".join(assembly.languages or []),
                "accessibility": assembly.accessibility,
                "hosts": [o.id for o in assembly.hosts],
            }
        )
        del form.slug
        form.saved_zone = assembly.timezone
        form.saved = {
            "starts": assembly.starts_at,
            "ends": assembly.ends_at,
            "registration_opens": assembly.registration_opens_at,
            "registration_closes": assembly.registration_closes_at,
        }
        return form


class RegisterForm(PublicForm):
    region = StringField(
        _l("Town or region"),
        description=_l("Optional. Helps organisers see where people come from."),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "address-level2"},
    )
    language = StringField(
        _l("Language you will speak"),
        description=_l("Optional. So organisers can arrange interpretation."),
        validators=[Optional(), Length(max=60)],
    )
    access_needs = TextAreaField(
        _l("Access needs"),
        description=_l(
            "Optional. Anything organisers should arrange so you can take part: step-free access, "
            "sign language, childcare, a quiet room, travel support."
        ),
        validators=[Optional(), Length(max=2000, message=_l("Use at most 2000 characters"))],
        render_kw={"rows": 3},
    )
    consent_coalition = BooleanField("")  # labelled in the template, with the coalition's name


class CheckInForm(Form):
    code = StringField(
        _l("Check-in code"),
        description=_l("The code in the person's confirmation e-mail."),
        validators=[DataRequired(message=_l("Enter a check-in code")), Length(max=12)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class AgendaItemForm(Form):
    """One part of the programme; ``zone_name`` (the assembly's) is set before validating, and
    ``starts_at`` is the time in UTC once valid."""

    zone_name = ""
    starts_at: datetime | None = None

    starts = LocalDateTimeInput(
        _l("Time"),
        description=_l("In the assembly's own time zone."),
        validators=[InputRequired(message=_l("Enter when it starts"))],
    )
    title = StringField(
        _l("What happens"),
        description=_l(
            "Like: Welcome, Testimonies on health care, The panel's questions, The vote on demands."
        ),
        validators=[DataRequired(message=_l("Say what happens")), Length(max=200)],
    )
    description = TextAreaField(
        _l("Details"),
        description=_l("Optional."),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )

    def validate_starts(self, field: LocalDateTimeInput) -> None:
        try:
            self.starts_at = to_utc(field.data, ZoneInfo(self.zone_name))
        except NonexistentTime as gap:
            raise ValidationError(gap.message(self.zone_name)) from None
