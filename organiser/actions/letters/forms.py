"""The public letter form (no session, so no CSRF token: double opt-in, rate limits and a honeypot
guard it), and the coordinators' campaign and response forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from organiser.messaging.forms import MultiCheckboxField
from organiser.web.forms import Form, PublicForm, slug_field

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


class CampaignForm(Form):
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
