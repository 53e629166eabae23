"""Forms for decision-makers (targets), their import, and recording what they answered."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from organiser.coalitions.forms import csv_file_field
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
    area_code = StringField(
        _l("Area code"),
        description=_l(
            "Optional. The code of their area in your postcode lookup table: letters by region go to "
            "the decision-makers of the writer's area."
        ),
        validators=[Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
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
            "role, body, region and area_code are optional."
        )
    )


class ResponseForm(Form):
    target = SelectField(
        _l("Who responded"), coerce=int, validators=[DataRequired(message=_l("Choose who responded"))]
    )
    text = TextAreaField(
        _l("Their response"),
        validators=[DataRequired(message=_l("Write the response")), Length(max=20000)],
        render_kw={"rows": 8},
    )
    responded_on = DateInput(
        _l("Date of the response"), description=_l("Optional."), validators=[Optional(), NotInTheFuture()]
    )
