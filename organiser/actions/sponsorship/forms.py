"""The coordinators' form that invites an organisation to co-sponsor an action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from organiser.web.forms import SLUG, Form


class SponsorInviteForm(Form):
    organisation = SelectField(
        _l("Organisation"),
        validators=[DataRequired(message=_l("Choose an organisation"))],
        validate_choice=False,  # checked by the view against the organisations that may be invited
    )
    code = StringField(
        _l("Tracking code"),
        description=_l(
            "Optional: the end of its tracking link. Lower-case letters, digits and hyphens; "
            "the organisation's web address name if left empty."
        ),
        validators=[
            Optional(),
            Length(max=80),
            Regexp(SLUG, message=_l("Use lower-case letters, digits and hyphens")),
        ],
    )
