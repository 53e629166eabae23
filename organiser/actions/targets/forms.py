"""Forms for decision-makers (targets), a petition's targets, its delivery and the responses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from organiser.coalitions.forms import csv_file_field
from organiser.messaging.forms import MultiCheckboxField
from organiser.web.forms import EmailAddress, Form
from organiser.web.times import DateInput, NotInTheFuture


class TargetForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the name")), Length(max=200)])
    role = StringField(
        _l("Role"), description=_l("For example: Chancellor of the Exchequer."), validators=[Length(max=200)]
    )
    body = StringField(
        _l("Body"), description=_l("The parliament, council or ministry."), validators=[Length(max=200)]
    )
    # As long as a supporter's region (people.region): letters "by region" copy it to the writer.
    region = StringField(_l("Region or constituency"), validators=[Length(max=120)])
    email = StringField(
        _l("E-mail address"),
        description=_l("Petitions are delivered here. It is never shown on public pages."),
        validators=[DataRequired(message=_l("Enter the e-mail address")), EmailAddress(), Length(max=320)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "inputmode": "email", "type": "email"},
    )


class TargetImportForm(Form):
    file = csv_file_field(
        _l(
            "One decision-maker a row. The first row names the columns: name and email are needed; "
            "role, body and region are optional."
        )
    )


class PetitionTargetsForm(Form):
    targets = MultiCheckboxField(_l("Addressed to"), coerce=int, validate_choice=True)


class DeliveryForm(Form):
    message = TextAreaField(
        _l("Covering message"),
        description=_l("Optional. It comes first in the e-mail, above the petition."),
        validators=[Optional(), Length(max=5000, message=_l("Use at most 5000 characters"))],
        render_kw={"rows": 6},
    )


class ResponseForm(Form):
    target = SelectField(
        _l("Who responded"), coerce=int, validators=[DataRequired(message=_l("Choose who responded"))]
    )
    text = TextAreaField(
        _l("Their response"),
        description=_l("Shown on the petition's public page."),
        validators=[DataRequired(message=_l("Write the response")), Length(max=20000)],
        render_kw={"rows": 8},
    )
    responded_on = DateInput(
        _l("Date of the response"), description=_l("Optional."), validators=[Optional(), NotInTheFuture()]
    )
