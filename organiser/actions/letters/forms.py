"""The public letter form (no session, so no CSRF token: double opt-in, rate limits and a honeypot
guard it), and the coordinators' campaign and response forms."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from organiser.actions.letters.models import DEFAULT_DAILY_CAP, DEFAULT_DIGEST_HOUR
from organiser.actions.letters.services.closing import local_closes_at
from organiser.actions.letters.services.pacing import now as letters_now
from organiser.actions.letters.services.versions import MAX_VERSIONS, VersionText
from organiser.messaging.forms import MultiCheckboxField
from organiser.web.forms import EmailAddress, Form, PublicForm, slug_field
from organiser.web.times import LocalDateTimeInput, NonexistentTime, in_the_future, to_utc, unchanged
from organiser.web.zones import is_zone

MAX_BODY = 5000
TAGS_HINT = _l("{{ name }} and {{ area }} become each writer's name and area.")


class LetterForm(PublicForm):
    # Fixed targets: where the writer lives, shown to the decision-maker (optional).
    region = StringField(
        _l("Postcode or region"),
        description=_l("Optional. Shown to the decision-maker, with your name, so they know where you live."),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "postal-code"},
    )
    # By region, where the coalition has a lookup table (actions.targets.lookup): the writer's
    # postcode finds their area; "Find my representatives" shows who that is (no JavaScript).
    postcode = StringField(
        _l("Your postcode"),
        description=_l("We look up your area to find the decision-makers who represent you."),
        validators=[Optional(), Length(max=40, message=_l("Use at most %(n)s characters", n=40))],
        render_kw={"autocomplete": "postal-code", "spellcheck": "false", "autocapitalize": "characters"},
    )
    find = SubmitField(_l("Find my representatives"))
    # By region: the writer's region or constituency, which chooses who the letter goes to (picked
    # by hand when there is no lookup table, or when the postcode is not in it).
    constituency = SelectField(
        _l("Your region or constituency"),
        description=_l("Your letter goes to the decision-makers for it."),
        validate_choice=False,  # checked by the view against the campaign's regions
    )
    # Several suggested letters: the writer picks one, and "Use this letter" shows it in the fields
    # below (no JavaScript). ``shown_version`` is the one whose words the fields were filled with.
    version = RadioField(_l("Choose a letter"), validate_choice=False)  # the view checks the choice
    choose = SubmitField(_l("Use this letter"))
    shown_version = HiddenField()
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(message=_l("Enter a subject")),
            Length(max=300, message=_l("Use at most 300 characters")),
        ],
    )
    body = TextAreaField(
        _l("Your letter"),
        description=_l("Change it as you like: a letter in your own words counts for more."),
        validators=[
            DataRequired(message=_l("Write your letter")),
            Length(min=20, message=_l("Write at least 20 characters")),
            Length(max=MAX_BODY, message=_l("Use at most %(n)s characters", n=MAX_BODY)),
        ],
        render_kw={"rows": 12},
    )
    consent_coalition = BooleanField("")  # labelled in the template, with the coalition's name
    consent_sponsor = BooleanField("")  # through a co-sponsor's tracking link: labelled with its name


# ---- paced delivery (services/pacing.py): on the new campaign's form and on its delivery page ---------


def _known_zone(form: object, field: SelectField) -> None:
    if field.data and not is_zone(field.data):
        raise ValidationError(_l("Choose a time zone from the list"))


class DeliveryFields:
    """The pace: the daily cap of personal letters, and the digest's hour and zone. Left out of a post,
    each keeps its default (the zone: the coalition's country's, chosen by the view)."""

    daily_cap = IntegerField(
        _l("Personal letters a day to each decision-maker"),
        description=_l(
            "Letters in their writers' own words go one by one, up to this many a day to each "
            "decision-maker; the others wait, in order, for the next day."
        ),
        default=DEFAULT_DAILY_CAP,
        validators=[NumberRange(min=1, max=10000, message=_l("Enter a whole number from 1 to 10000"))],
        render_kw={"inputmode": "numeric"},
    )
    digest_hour = SelectField(
        _l("Time of the daily digest"),
        description=_l(
            "Copies of the suggested letter go to each decision-maker as one e-mail a day, at this time: "
            "the letter once, then the names of those who sent it."
        ),
        coerce=int,
        choices=[SelectChoice(hour, f"{hour:02d}:00") for hour in range(24)],
        default=DEFAULT_DIGEST_HOUR,
    )
    timezone = SelectField(
        _l("Time zone"),
        description=_l("The digest's time and the days of the daily limit are counted in this zone."),
        validate_choice=False,  # the choices are grouped; checked against the zones this server knows
        validators=[_known_zone],
    )


class DeliveryForm(DeliveryFields, Form):
    pass


class AddressForm(Form):
    """A failing decision-maker's new address (a form per target on the page: prefixes tell them apart)."""

    email = StringField(
        _l("New e-mail address"),
        validators=[DataRequired(message=_l("Enter the e-mail address")), EmailAddress(), Length(max=320)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "inputmode": "email", "type": "email"},
    )


class VersionFields(Form):
    """One more suggested letter on the campaign's form (an entry of ``CampaignForm.versions``):
    left empty, it is no version; ``remove`` takes it away (archived if letters were written with
    it). ``version_id`` names the version it shows (checked by the view: a version removed
    meanwhile is refused)."""

    class Meta(Form.Meta):
        csrf = False  # the campaign form's token covers it

    version_id = HiddenField()
    label = StringField(
        _l("Its name"),
        description=_l("Optional. Writers choose between the versions by their names."),
        validators=[Optional(), Length(max=120)],
    )
    # No ``Optional``: it would stop the checks below (an empty field is fine in an unused version).
    subject = StringField(_l("Subject"), validators=[Length(max=300)])
    body = TextAreaField(
        _l("Letter"),
        description=TAGS_HINT,
        validators=[Length(max=MAX_BODY, message=_l("Use at most %(n)s characters", n=MAX_BODY))],
        render_kw={"rows": 8},
    )
    remove = BooleanField(_l("Remove this version"))

    def _in_use(self) -> bool:
        given = any((f.data or "").strip() for f in (self.label, self.subject, self.body))
        return given and not self.remove.data

    def validate_subject(self, field: StringField) -> None:
        if self._in_use() and not (field.data or "").strip():
            raise ValidationError(_l("Enter a subject"))

    def validate_body(self, field: TextAreaField) -> None:
        if self._in_use() and not (field.data or "").strip():
            raise ValidationError(_l("Write the suggested letter"))


class CampaignForm(DeliveryFields, Form):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title")), Length(max=200)])
    slug = slug_field(_l("The end of the campaign's address: lower-case letters, digits and hyphens."))
    intro = TextAreaField(
        _l("Why write"),
        description=_l("Shown above the letter: why this matters, and why a letter now."),
        validators=[DataRequired(message=_l("Say why people should write")), Length(max=10000)],
        render_kw={"rows": 5},
    )
    label = StringField(
        _l("Its name"),
        description=_l("Optional. With several versions, writers choose between them by their names."),
        validators=[Optional(), Length(max=120)],
    )
    subject = StringField(
        _l("Suggested subject"),
        validators=[DataRequired(message=_l("Enter a subject")), Length(max=300)],
    )
    body = TextAreaField(
        _l("Suggested letter"),
        description=_l("Their name is added as the signature. %(tags)s", tags=TAGS_HINT),
        validators=[
            DataRequired(message=_l("Write the suggested letter")),
            Length(max=MAX_BODY, message=_l("Use at most %(n)s characters", n=MAX_BODY)),
        ],
        render_kw={"rows": 10},
    )
    versions = FieldList(FormField(VersionFields), max_entries=MAX_VERSIONS - 1)
    add_version = SubmitField(_l("Add another version"))
    writers_may_edit = RadioField(
        _l("May writers change the letter?"),
        choices=[
            SelectChoice("yes", _l("Yes: a letter in the writer's own words counts for more")),
            SelectChoice("no", _l("No: the letter goes as the version they choose")),
        ],
        default="yes",
    )
    closes_at = LocalDateTimeInput(
        _l("Closes"),
        description=_l(
            "Optional. From this time the form takes no more letters. In the campaign's time zone, "
            "like 2027-03-31 17:00."
        ),
        validators=[Optional()],
    )
    target_mode = RadioField(
        _l("Who the letters go to"),
        choices=[
            SelectChoice("fixed", _l("The decision-makers chosen below")),
            SelectChoice(
                "region", _l("By region: each writer's own decision-makers, for the region they choose")
            ),
        ],
        default="fixed",
        validators=[DataRequired(message=_l("Choose who the letters go to"))],
    )
    targets = MultiCheckboxField(_l("Decision-makers"), coerce=int, validate_choice=True)

    def __init__(self, *args: Any, zone_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name  # the campaign's zone (a new one's: its time zone field)
        self.closes_at_utc: Any = None  # the close time in UTC, once validated
        self.saved: dict[str, Any] = {}  # the close time as saved: left so, it is kept

    def validate_closes_at(self, field: LocalDateTimeInput) -> None:
        """A time that exists in the campaign's zone and lies ahead (unless left as saved)."""
        zone = self.zone_name or (self.timezone.data if "timezone" in self else "") or "UTC"
        if field.data is None or not is_zone(zone):
            return
        try:
            self.closes_at_utc = to_utc(field.data, ZoneInfo(zone))
        except NonexistentTime as gap:
            raise ValidationError(gap.message(zone)) from None
        if not unchanged(self, field):
            in_the_future(self.closes_at_utc, now=letters_now())

    def version_texts(self) -> list[VersionText]:
        """The first version (the fields above), then the others, as the form sends them."""
        first = VersionText("", self.label.data or "", self.subject.data or "", self.body.data or "")
        return [first] + [
            VersionText(
                fields.version_id.data or "",
                fields.label.data or "",
                fields.subject.data or "",
                fields.body.data or "",
                bool(fields.remove.data),
            )
            for fields in (entry.form for entry in self.versions)
        ]

    def settings(self) -> dict[str, Any]:
        """Whether writers may edit, and the close time (UTC)."""
        return {"writers_may_edit": self.writers_may_edit.data != "no", "closes_at": self.closes_at_utc}

    def flat_errors(self) -> list[tuple[str, str]]:
        """(field id, message) of every error, the versions' included, for the error summary."""
        found = []
        for field in self:
            entries = [sub for entry in field for sub in entry] if field.name == "versions" else [field]
            found += [(sub.id, str(error)) for sub in entries for error in sub.errors]
        return found

    @classmethod
    def for_editing(cls, campaign: Any) -> CampaignForm:
        """The form filled in from a campaign, without the pace (the delivery page sets it) and, once
        the campaign is open, without its address (links to it are out)."""
        first, *others = campaign.live_versions
        form = cls(
            data={
                **{name: getattr(campaign, name) for name in ("title", "slug", "intro", "target_mode")},
                "label": first.label,
                "subject": first.subject,
                "body": first.body,
                "versions": [
                    SimpleNamespace(version_id=str(v.id), label=v.label, subject=v.subject, body=v.body)
                    for v in others
                ],
                "writers_may_edit": "yes" if campaign.writers_may_edit else "no",
                "closes_at": local_closes_at(campaign),
                "targets": campaign.target_ids,
            },
            zone_name=campaign.timezone,
        )
        form.saved = {"closes_at": local_closes_at(campaign)}
        for name in ("daily_cap", "digest_hour", "timezone"):
            delattr(form, name)
        if campaign.status != "draft":
            del form.slug
        return form
