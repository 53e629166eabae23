"""Applying to join a coalition, deciding on applications, editing an organisation's profile."""

from __future__ import annotations

import functools
from typing import Any

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, AnyOf, DataRequired, Length, Optional, ValidationError

from organiser.coalitions.models import MembershipRole, OrganisationType
from organiser.web.forms import COUNTRY_CODES, Form, email_field
from organiser.web.times import DateInput, NotInTheFuture

TYPE_LABELS = {
    OrganisationType.NGO: _l("NGO or charity"),
    OrganisationType.TRADE_UNION: _l("Trade union"),
    OrganisationType.GRASSROOTS: _l("Grassroots or community group"),
    OrganisationType.SOCIAL_MOVEMENT: _l("Social movement"),
    OrganisationType.FAITH_GROUP: _l("Faith group"),
    OrganisationType.ACADEMIC: _l("University or research institute"),
    OrganisationType.BUSINESS: _l("Business or business body"),
    OrganisationType.FUNDER: _l("Funder or foundation"),
    OrganisationType.INDIVIDUAL_EXPERT: _l("Individual expert"),
    OrganisationType.OTHER: _l("Other"),
}
MEMBERSHIP_STATUS_LABELS = {
    "applied": _l("Applied"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "left": _l("Left"),
    "declined": _l("Declined"),
}
ROLE_LABELS = {
    MembershipRole.MEMBER: _l("Member"),
    MembershipRole.STEERING: _l("Steering group"),
    MembershipRole.CHAIR: _l("Chair"),
}


def country_choices(blank: str) -> list[SelectChoice]:
    """Real countries (ISO 3166-1: no pseudo-locales, unions or regions), by name in the reader's language."""
    locale = get_locale() or Locale("en")
    names = {code: name for code, name in locale.territories.items() if code in COUNTRY_CODES}
    return [SelectChoice("", blank)] + [
        SelectChoice(code, name) for code, name in sorted(names.items(), key=lambda item: item[1])
    ]


@functools.lru_cache(maxsize=16)
def sign_country_choices(locale: str) -> list[SelectChoice]:
    """The country list of the public forms (signing, writing, registering), built once per language
    (``locale`` is the key; the caller passes ``str(get_locale())``)."""
    from flask_babel import gettext

    return country_choices(gettext("Choose a country"))


def type_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(str(t), str(label)) for t, label in TYPE_LABELS.items()]


class KnownCountry:
    def __call__(self, form: Form, field: SelectField) -> None:
        if field.data and field.data not in {c.value for c in country_choices("")}:
            raise ValidationError(_l("Choose a country from the list"))


class OrganisationFields(Form):
    name = StringField(
        _l("Organisation name"),
        validators=[DataRequired(message=_l("Enter the organisation's name")), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    type = SelectField(
        _l("Type of organisation"),
        validators=[DataRequired(message=_l("Choose the type of organisation"))],
        validate_choice=False,
    )
    country = SelectField(
        _l("Country"),
        validators=[DataRequired(message=_l("Choose the country")), KnownCountry()],
        validate_choice=False,
        render_kw={"autocomplete": "country"},
    )
    region = StringField(
        _l("Region or city"),
        description=_l("Optional. Helps people find members near them."),
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "address-level1"},
    )
    website = URLField(
        _l("Website"),
        description=_l("Optional. The full address, starting with https://"),
        validators=[
            Optional(),
            URL(message=_l("Enter a web address like https://example.org")),
            Length(max=300),
        ],
        render_kw={"autocomplete": "url", "inputmode": "url"},
    )
    description = TextAreaField(
        _l("What the organisation does"),
        description=_l("A few sentences for the member directory."),
        validators=[Optional(), Length(max=2000, message=_l("Use at most 2000 characters"))],
        render_kw={"rows": 5},
    )

    def set_choices(self) -> None:
        self.type.choices = type_choices(str(_l("Choose a type")))
        self.country.choices = country_choices(str(_l("Choose a country")))

    def validate_type(self, field: SelectField) -> None:
        if field.data and field.data not in {str(t) for t in OrganisationType}:
            raise ValidationError(_l("Choose the type of organisation"))

    def profile(self) -> dict[str, str]:
        """The organisation's details as entered, trimmed: an application's, or the profile kept."""
        return {
            "name": self.name.data.strip(),
            "type": self.type.data,
            "country": self.country.data,
            "region": (self.region.data or "").strip(),
            "website": (self.website.data or "").strip(),
            "description": (self.description.data or "").strip(),
        }


class JoinForm(OrganisationFields):
    contact_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Enter your name")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    contact_email = email_field(_l("Your e-mail address"))
    endorse = BooleanField(
        _l("On behalf of the organisation, I endorse these principles"),
        validators=[DataRequired(message=_l("Endorse the principles to apply"))],
    )


class ApproveForm(Form):
    role = SelectField(_l("Role in the coalition"), validators=[DataRequired()], validate_choice=False)

    def set_choices(self) -> None:
        self.role.choices = [SelectChoice(str(r), str(label)) for r, label in ROLE_LABELS.items()]

    def validate_role(self, field: SelectField) -> None:
        if field.data not in {str(r) for r in MembershipRole}:
            raise ValidationError(_l("Choose a role"))


class DeclineForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Sent to the applicant."),
        validators=[DataRequired(message=_l("Say why the application is declined")), Length(max=2000)],
        render_kw={"rows": 3},
    )


def csv_file_field(description: Any) -> FileField:
    """The file of a CSV import (members, decision-makers)."""
    return FileField(
        _l("CSV file"),
        description=description,
        validators=[
            FileRequired(message=_l("Choose a CSV file")),
            FileAllowed(["csv", "tsv", "txt"], message=_l("Choose a .csv file")),
        ],
        render_kw={"accept": ".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"},
    )


class ImportForm(Form):
    file = csv_file_field(
        _l(
            "One organisation a row. The first row names the columns: name and country are needed; "
            "type, region, website, description, contact_name, contact_email and role are optional."
        )
    )


class ConfirmImportForm(Form):
    """The checked file, sent back to be imported (parsed and checked again; a hidden field, so
    control characters reach the parser, which gives each row with them a reason)."""

    payload = HiddenField()


class OrganisationProfileForm(OrganisationFields):
    logo = FileField(
        _l("Logo"),
        description=_l(
            "Optional. A PNG, JPEG or WebP image of at most 2 MB; we show it at most 512 pixels wide."
        ),
        validators=[
            FileAllowed(["png", "jpg", "jpeg", "webp"], message=_l("Use a PNG, JPEG or WebP image."))
        ],
    )
    remove_logo = BooleanField(_l("Remove the current logo"))


# ---- importing supporters ---------------------------------------------------------------------------

IMPORT_STATUS_LABELS = {
    "draft": _l("Not imported yet (the file is deleted after a day)"),
    "queued": _l("Waiting"),
    "running": _l("Importing"),
    "done": _l("Done"),
    "failed": _l("Stopped"),
}


class PeopleImportForm(Form):
    file = csv_file_field(
        _l(
            "One person a row, exported from another tool or saved from a spreadsheet. The first row "
            "names the columns; on the next page you say which column holds what (an e-mail address "
            "column is needed)."
        )
    )


def columns_form(named: list[tuple[str, str]], saved: dict[str, str]) -> Form:
    """A choice of field for each named column of the file (``named``: its name and its heading as
    written), set to what was saved (at first, guessed from the heading)."""
    from organiser.coalitions.imports.checks import shown
    from organiser.coalitions.imports.people import FIELD_LABELS, IGNORE
    from organiser.web.inputs import without_controls

    class ColumnsForm(Form):
        columns: dict[str, str] = {}  # the form field's name → the file's column

        def mapping(self) -> dict[str, str]:
            return {column: self[name].data for name, column in self.columns.items()}

        def validate(self, extra_validators: Any = None) -> bool:
            from organiser.coalitions.imports.people import mapping_problems

            valid = super().validate(extra_validators)
            if not valid:
                return False
            by_column = {column: name for name, column in self.columns.items()}
            for column, problem in mapping_problems(self.mapping()).items():
                self[by_column[column]].errors.append(problem)
                valid = False
            return valid

    choices = [SelectChoice(key, label) for key, label in FIELD_LABELS.items()]
    for index, (column, heading) in enumerate(named):
        name = f"column_{index}"
        label = _l("Column “%(name)s”", name=shown(without_controls(heading)))
        setattr(ColumnsForm, name, SelectField(label, choices=choices, default=saved.get(column, IGNORE)))
        ColumnsForm.columns = {**ColumnsForm.columns, name: column}
    return ColumnsForm()


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class PeopleConsentForm(Form):
    """The consent stated for everyone in an import: never assumed (no choice is made in advance),
    and when they agreed, what to, where and when, recorded in the ledger as stated."""

    stated_consent = RadioField(
        _l("Did these people agree to hear from the coalition by e-mail?"),
        validate_choice=False,
        validators=[AnyOf(["given", "none"], message=_l("Say whether they agreed to hear from you"))],
    )
    wording = TextAreaField(
        _l("What they agreed to, word for word"),
        description=_l("The words next to the box they ticked, such as “Keep me updated by e-mail”."),
        validators=[Length(max=2000, message=_l("Use at most 2000 characters"))],
        filters=[_stripped],
        render_kw={"rows": 3},
    )
    agreed_where = StringField(
        _l("Where they agreed"),
        description=_l("Such as: Action Network form “Fair tax”."),
        validators=[Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    agreed_on = DateInput(
        _l("When they agreed"),
        description=_l("If they signed up over a while, the last day of it. For example, 2025-03-31."),
        validators=[Optional(), NotInTheFuture()],
    )

    def set_choices(self, coalition_name: str) -> None:
        self.stated_consent.choices = [
            SelectChoice("given", _l("Yes: they agreed to hear from %(name)s", name=coalition_name)),
            SelectChoice("none", _l("No, or I do not know: import them without consent to be mailed")),
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        fields = (self.wording, self.agreed_where, self.agreed_on)
        if self.stated_consent.data == "given":
            missing = [f for f in fields if not f.data and not f.errors]
            for f in missing:
                f.errors.append(_l("Say this: it is recorded for each of them, as you write it"))
            return valid and not missing
        if self.stated_consent.data == "none":
            given = [f for f in fields if f.data and not f.errors]
            for f in given:
                f.errors.append(_l("You said they did not agree: leave this empty, or choose “Yes”"))
            return valid and not given
        return valid
