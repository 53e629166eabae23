"""A tribunal's forms: the organisers' charges, panel and testimony entry; the panel's verdicts and
judgment; and the witness's testimony (no session, so no CSRF token: double opt-in, rate limits and a
honeypot guard it, as for registering) and its edit when the organisers asked for changes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from organiser.web.forms import EmailAddress, Form, PublicForm, cached_translations, email_field

MAX_ACCOUNT = 20_000
MAX_ATTACHMENTS = 3

ACCUSED_LABELS = {
    "government": _l("A government"),
    "company": _l("A company"),
    "lender": _l("A lender (the IMF, the World Bank, a creditor)"),
    "other": _l("Someone else"),
}
WITNESS_LABELS = {
    "frontline": _l("I live what this is about"),
    "expert": _l("I know it as an expert"),
    "other": _l("Another kind of witness"),
}
# How a witness's kind is shown on the tribunal's page and to the organisers.
WITNESS_SHOWN_LABELS = {
    "frontline": _l("Frontline witness"),
    "expert": _l("Expert witness"),
    "other": _l("Witness"),
}
PUBLICATION_LABELS = {
    "named": _l("With my name"),
    "pseudonym": _l("Under another name I choose"),
    "anonymous": _l("Anonymously: no name at all"),
    "not_public": _l("Not at all: only for the organisers and the panel"),
}
TESTIMONY_STATUS_LABELS = {
    "pending": _l("Not confirmed yet"),
    "submitted": _l("Waiting for the organisers"),
    "changes_requested": _l("Changes asked"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
PANEL_ROLE_LABELS = {"chair": _l("Chair"), "rapporteur": _l("Rapporteur"), "member": _l("Member")}
FINDING_LABELS = {
    "upheld": _l("Upheld"),
    "partly_upheld": _l("Partly upheld"),
    "not_upheld": _l("Not upheld"),
}


def _choices(labels: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class ChargeForm(Form):
    title = StringField(
        _l("What is alleged"),
        description=_l("In one line, like “Cutting health spending to repay foreign debt”."),
        validators=[DataRequired(message=_l("Say what is alleged")), Length(max=300)],
    )
    accused = StringField(
        _l("Against whom"),
        description=_l("Who is charged, like “The Government of Zambia” or “The IMF”."),
        validators=[DataRequired(message=_l("Say who is charged")), Length(max=200)],
    )
    accused_kind = SelectField(
        _l("Who they are"),
        choices=_choices(ACCUSED_LABELS),
        validators=[DataRequired(message=_l("Choose who they are"))],
    )
    at_stake = TextAreaField(
        _l("Rights or policies at stake"),
        description=_l("Optional. The rights, laws or policies the charge is about."),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    description = TextAreaField(
        _l("The charge in full"),
        description=_l("Optional. What the tribunal will hear about."),
        validators=[Optional(), Length(max=20_000)],
        render_kw={"rows": 6},
    )


class TestimonyFields:
    """The testimony itself, asked of a witness on the public form, when they edit it, and of the
    organisers who write down a testimony given in person or by voice."""

    charge = SelectField(
        _l("The charge your testimony is about"),
        description=_l("Or choose “Another theme” and name it below."),
        validate_choice=False,
    )
    theme = StringField(
        _l("Another theme"),
        description=_l("Only if your testimony is not about one of the charges."),
        validators=[Optional(), Length(max=200)],
    )
    witness_kind = RadioField(
        _l("What kind of witness you are"),
        choices=_choices(WITNESS_LABELS),
        default="frontline",
        validators=[DataRequired(message=_l("Choose what kind of witness you are"))],
    )
    language = StringField(
        _l("The language of your testimony"),
        description=_l("Optional. So that the panel can have it interpreted."),
        validators=[Optional(), Length(max=60)],
        render_kw={"autocomplete": "off"},
    )
    account = TextAreaField(
        _l("Your testimony"),
        description=_l("What happened, to whom, when and where, in your own words."),
        validators=[
            DataRequired(message=_l("Write your testimony")),
            Length(max=MAX_ACCOUNT, message=_l("Use at most %(n)s characters", n=MAX_ACCOUNT)),
        ],
        render_kw={"rows": 10},
    )
    publication = RadioField(
        _l("How your testimony may be published"),
        choices=_choices(PUBLICATION_LABELS),
        default="anonymous",
        validators=[DataRequired(message=_l("Choose how your testimony may be published"))],
    )
    pseudonym = StringField(
        _l("The name to show instead of yours"),
        description=_l("Only if you chose another name above."),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    recording_allowed = BooleanField(_l("The tribunal may record me (sound or video) if I speak on the day"))
    safety_risk = BooleanField(
        _l("Speaking out could put me or others at risk"),
        description=_l(
            "The organisers read these testimonies first and talk with you before anything is public."
        ),
    )

    def set_charges(self, charges: list[Any]) -> None:
        self.charge.choices = [SelectChoice(str(c.id), c.title) for c in charges]  # type: ignore[attr-defined]
        self.charge.choices.append(SelectChoice("", _l("Another theme")))  # type: ignore[attr-defined]
        self._charge_ids = {str(c.id) for c in charges}

    def validate_charge(self, field: SelectField) -> None:
        if field.data and field.data not in getattr(self, "_charge_ids", set()):
            raise ValidationError(_l("Choose a charge from the list"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Each field on its own, then what depends on another field (an empty optional field stops
        its own validators, so these are checked here), each message next to its field."""
        valid = super().validate(extra_validators)  # type: ignore[misc]
        if not self.theme.data and not self.charge.data and not self.theme.errors:  # type: ignore[attr-defined]
            self.theme.errors.append(_l("Choose a charge, or name the theme of your testimony"))  # type: ignore[attr-defined]
            valid = False
        if self.publication.data == "pseudonym" and not self.pseudonym.data and not self.pseudonym.errors:  # type: ignore[attr-defined]
            self.pseudonym.errors.append(_l("Enter the name to show instead of yours"))  # type: ignore[attr-defined]
            valid = False
        return valid

    def testimony_fields(self) -> dict[str, Any]:
        """What the testimony keeps of the form, cleaned."""
        data: dict[str, Any] = {
            name: (getattr(self, name).data or "").strip()
            for name in ("theme", "witness_kind", "language", "account", "publication", "pseudonym")
        }
        data["charge_id"] = int(self.charge.data) if self.charge.data else None  # type: ignore[attr-defined]
        if data["charge_id"] is not None:
            data["theme"] = ""
        if data["publication"] != "pseudonym":
            data["pseudonym"] = ""
        data["recording_allowed"] = bool(self.recording_allowed.data)  # type: ignore[attr-defined]
        data["safety_risk"] = bool(self.safety_risk.data)  # type: ignore[attr-defined]
        return data


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(
        _l("Pictures or documents (optional)"),
        description=_l(
            "Up to 3 files: PNG, JPEG or WebP images of at most 2 MB each, or PDF documents of at most "
            "4 MB and 50 pages. We keep a clean copy, without the details your phone or computer adds "
            "(place, camera, author). They are for the organisers and the panel, never published."
        ),
    )


class TestimonyForm(TestimonyFields, PublicForm):
    """The public form: the witness's name and address (never public unless they choose so) too."""

    country = None  # a testimony does not ask for it
    email = email_field()
    attachments = _attachments_field()


class WitnessEditForm(TestimonyFields, Form):
    """The witness changes their testimony, from their own page (its link is the key: no session)."""

    class Meta(Form.Meta):
        csrf = False

        def get_translations(self, form: object) -> object:
            return cached_translations


class OrganiserTestimonyForm(TestimonyFields, Form):
    """A testimony given in person or by voice, written down by an organiser."""

    name = StringField(
        _l("The witness's name"),
        description=_l("Optional. Never shown publicly unless the witness chose to be named."),
        validators=[Optional(), Length(max=200)],
    )
    email = StringField(
        _l("The witness's e-mail address"),
        description=_l("Optional. If given, the witness gets a link to see, change or withdraw it."),
        validators=[Optional(), Length(max=254)],
        render_kw={"autocomplete": "off", "inputmode": "email", "type": "email"},
    )
    attachments = _attachments_field()

    def validate_email(self, field: StringField) -> None:
        if field.data:
            EmailAddress()(self, field)


class ModerationNoteForm(Form):
    note = TextAreaField(
        _l("What the witness should change, or why it is rejected"),
        description=_l("The witness reads it in an e-mail and on their own page."),
        validators=[DataRequired(message=_l("Write what the witness should know")), Length(max=5000)],
        render_kw={"rows": 4},
    )


class PanelMemberForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter a name")), Length(max=200)])
    role = SelectField(
        _l("Role on the panel"),
        choices=_choices(PANEL_ROLE_LABELS),
        default="member",
        validators=[DataRequired(message=_l("Choose a role"))],
    )
    bio = TextAreaField(
        _l("Short biography"),
        description=_l("Optional. Shown on the tribunal's page."),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    account_email = StringField(
        _l("E-mail address of their account"),
        description=_l(
            "Optional. To let them enter the panel's verdict: their account gets the role, or they are "
            "invited to make one."
        ),
        validators=[Optional(), Length(max=254)],
        render_kw={"autocomplete": "off", "inputmode": "email", "type": "email"},
    )

    def validate_account_email(self, field: StringField) -> None:
        if field.data:
            EmailAddress()(self, field)


class VerdictForm(Form):
    finding = RadioField(
        _l("Finding"),
        choices=_choices(FINDING_LABELS),
        validators=[DataRequired(message=_l("Choose the panel's finding"))],
    )
    reasoning = TextAreaField(
        _l("Reasoning"),
        validators=[DataRequired(message=_l("Write the panel's reasoning")), Length(max=20_000)],
        render_kw={"rows": 6},
    )


class JudgmentForm(Form):
    summary = TextAreaField(
        _l("Summary of the judgment"),
        description=_l("Optional. Published above the verdicts."),
        validators=[Optional(), Length(max=20_000)],
        render_kw={"rows": 5},
    )
