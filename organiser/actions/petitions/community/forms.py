"""The forms of petitions started by supporters: the public start form (no session, so no CSRF
token: double opt-in, rate limits and a honeypot guard it), the creator's changes and updates (their
own page's link is the key: no session either), and the coordinators' decisions and rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from organiser.actions.petitions.community.reasons import REJECTION_REASONS
from organiser.actions.petitions.community.services.settings import MAX_SUPPORTERS
from organiser.web.forms import Form, PublicForm, cached_translations


class PetitionFields:
    """What a petition says, and who it is addressed to: one of the coalition's decision-makers, or
    someone named (the view sets ``target``'s choices and checks the one chosen)."""

    title = StringField(
        _l("Title"),
        description=_l("What you want, in a few words, like “Build more social housing in Leeds”."),
        validators=[DataRequired(message=_l("Enter a title")), Length(max=150)],
    )
    ask = TextAreaField(
        _l("What you ask for"),
        description=_l("The action you want the decision-maker to take."),
        validators=[
            DataRequired(message=_l("Say what you ask for")),
            Length(max=1000, message=_l("Use at most 1000 characters")),
        ],
        render_kw={"rows": 3},
    )
    background = TextAreaField(
        _l("Why"),
        description=_l("Why it matters to you and to others. Give facts others can check."),
        validators=[
            DataRequired(message=_l("Say why it matters")),
            Length(max=5000, message=_l("Use at most 5000 characters")),
        ],
        render_kw={"rows": 6},
    )
    target = SelectField(_l("Who can make it happen"), validate_choice=False, validators=[Optional()])
    target_name = StringField(
        _l("Or name them"),
        description=_l("If they are not in the list: their name or title, like “Leeds City Council”."),
        validators=[Optional(), Length(max=300)],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[misc]
        if valid and not (self.target.data or self.target_name.data):
            self.target_name.errors.append(_l("Choose who can make it happen, or name them"))
            return False
        if valid and self.target.data and self.target_name.data:
            self.target_name.errors.append(_l("Leave this empty when you choose someone from the list"))
            return False
        return valid

    def petition_fields(self) -> dict[str, Any]:
        return {name: self.data[name] for name in ("title", "ask", "background", "target_name")}


class StartForm(PetitionFields, PublicForm):
    """Start a petition: no account; the creator confirms by e-mail."""

    country = None  # not asked: only what starting a petition needs
    consent_coalition = BooleanField("")  # labelled in the template, with the coalition's name


class _ByLink(Form):
    """A form on the creator's own page: its link is the key, and there is no session for a token."""

    class Meta(Form.Meta):
        csrf = False

        def get_translations(self, form: object) -> object:
            return cached_translations


class EditForm(PetitionFields, _ByLink):
    """The creator changes their petition before it is published."""


class UpdateForm(_ByLink):
    subject = StringField(
        _l("Subject"),
        validators=[DataRequired(message=_l("Enter a subject")), Length(max=200)],
    )
    body = TextAreaField(
        _l("Your update"),
        description=_l(
            "What has happened, and what signers can do next. A coordinator reads it before it is sent."
        ),
        validators=[
            DataRequired(message=_l("Write your update")),
            Length(max=5000, message=_l("Use at most 5000 characters")),
        ],
        render_kw={"rows": 8},
    )


class RejectForm(Form):
    rejection_reason = RadioField(
        _l("Why it cannot be published"),
        choices=[SelectChoice(key, reason.label) for key, reason in REJECTION_REASONS.items()],
        validators=[InputRequired(message=_l("Choose a reason"))],
    )
    note = TextAreaField(
        _l("A note to its creator"),
        description=_l("Optional. Sent with the reason: what they could do instead."),
        validators=[Optional(), Length(max=2000, message=_l("Use at most 2000 characters"))],
        render_kw={"rows": 3},
    )


class RejectUpdateForm(Form):
    note = TextAreaField(
        _l("Why it is not sent"),
        description=_l("Its creator reads this in an e-mail."),
        validators=[DataRequired(message=_l("Say why it is not sent")), Length(max=2000)],
        render_kw={"rows": 2},
    )


class SettingsForm(Form):
    open_to_supporters = BooleanField(_l("Supporters may start petitions here"))
    supporters_needed = IntegerField(
        _l("Supporters needed before you check a petition"),
        description=_l(
            "Besides its creator. The UK Parliament's site asks for 5; 0 sends each one to you at once."
        ),
        validators=[
            InputRequired(message=_l("Enter a number")),
            NumberRange(min=0, max=MAX_SUPPORTERS, message=_l("Enter a number from 0 to 100")),
        ],
    )
