"""The coordinators' form for a petition's thresholds."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from organiser.actions.petitions.thresholds.services import NEXT_STEP_LABELS
from organiser.web.forms import Form


class ThresholdForm(Form):
    signatures = IntegerField(
        _l("At how many signatures"),
        validators=[
            InputRequired(message=_l("Enter a number of signatures")),
            NumberRange(min=1, max=100_000_000, message=_l("Enter a number from 1 to 100,000,000")),
        ],
    )
    next_step = RadioField(
        _l("What happens then"),
        choices=[SelectChoice(key, label) for key, label in NEXT_STEP_LABELS.items()],
        default="response",
        validators=[DataRequired(message=_l("Choose what happens"))],
    )
    details = TextAreaField(
        _l("In more words"),
        description=_l("Shown on the petition's page, like “We ask the Chancellor to reply within 30 days”."),
        validators=[Optional(), Length(max=1000, message=_l("Use at most 1000 characters"))],
        render_kw={"rows": 2},
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.next_step.data == "other" and not self.details.data:
            self.details.errors.append(_l("Say what happens"))
            return False
        return valid
