"""Forms for people's own data page and for coordinators' privacy settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from organiser.web.forms import Form, email_field


class DataLinkForm(Form):
    email = email_field()


class EraseForm(Form):
    """The person's own request: the button is the confirmation."""


class CoordinatorEraseForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("For the record, e.g. “asked by e-mail on 3 March”. Kept with the erasure log."),
        validators=[DataRequired(message=_l("Give the reason for erasing this person")), Length(max=1000)],
        render_kw={"rows": 2},
    )


class FindPersonForm(Form):
    email = email_field(_l("Their e-mail address"))


class PrivacySettingsForm(Form):
    retention_months = IntegerField(
        _l("Keep data of people who gave no ongoing consent for (months)"),
        description=_l(
            "Counted from when the action closes. After that, their signatures are anonymised and "
            "counts stay. Leave empty to keep them."
        ),
        validators=[
            Optional(),
            NumberRange(min=1, max=120, message=_l("Enter a number of months from 1 to 120")),
        ],
    )
    sensitive = BooleanField(
        _l("Sensitive coalition: show no signer names in public and put no names in e-mail subjects")
    )
