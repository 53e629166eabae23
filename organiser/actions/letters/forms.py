"""The public letter form (no session, so no CSRF token: double opt-in, rate limits and a honeypot
guard it), and the coordinators' campaign and response forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
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
from organiser.messaging.forms import MultiCheckboxField
from organiser.web.forms import EmailAddress, Form, PublicForm, slug_field
from organiser.web.zones import is_zone

MAX_BODY = 5000


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


class CampaignForm(DeliveryFields, Form):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title")), Length(max=200)])
    slug = slug_field(_l("The end of the campaign's address: lower-case letters, digits and hyphens."))
    intro = TextAreaField(
        _l("Why write"),
        description=_l("Shown above the letter: why this matters, and why a letter now."),
        validators=[DataRequired(message=_l("Say why people should write")), Length(max=10000)],
        render_kw={"rows": 5},
    )
    subject = StringField(
        _l("Suggested subject"),
        validators=[DataRequired(message=_l("Enter a subject")), Length(max=300)],
    )
    body = TextAreaField(
        _l("Suggested letter"),
        description=_l("Writers may change it. Their name is added as the signature."),
        validators=[
            DataRequired(message=_l("Write the suggested letter")),
            Length(max=MAX_BODY, message=_l("Use at most %(n)s characters", n=MAX_BODY)),
        ],
        render_kw={"rows": 10},
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

    @classmethod
    def for_editing(cls, campaign: Any) -> CampaignForm:
        """The form filled in from a campaign, without the pace (the delivery page sets it) and, once
        the campaign is open, without its address (links to it are out)."""
        names = ("title", "slug", "intro", "subject", "body", "target_mode")
        form = cls(data={**{name: getattr(campaign, name) for name in names}, "targets": campaign.target_ids})
        for name in ("daily_cap", "digest_hour", "timezone"):
            delattr(form, name)
        if campaign.status != "draft":
            del form.slug
        return form
