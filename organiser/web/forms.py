"""Shared form pieces: validators whose messages are translated and fields set up for phones."""

from __future__ import annotations

import functools
from typing import Any

from babel import Locale, support
from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from organiser.web.inputs import PlainText

_SINGLE_LINE, _MULTILINE = PlainText(), PlainText(multiline=True)


def _trimmed(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form of the app: each text field and choice refuses control characters (``PlainText``,
    first among its validators, so the others see the cleaned text), and a one-line field loses the
    white space around it (so a field of spaces is an empty one, and a pasted address works).
    Passwords are kept as typed; hidden fields carry our own data (an import's file, checked row by
    row) and are left alone."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            field_class = unbound_field.field_class
            if issubclass(field_class, SelectField):  # a choice typed by hand may carry one too
                validators = unbound_field.kwargs.get("validators") or ()
                options["validators"] = [_SINGLE_LINE, *validators]
            elif issubclass(field_class, StringField) and not issubclass(field_class, HiddenField):
                multiline = issubclass(field_class, TextAreaField)
                validators = unbound_field.kwargs.get("validators") or ()
                options["validators"] = [_MULTILINE if multiline else _SINGLE_LINE, *validators]
                if not multiline and not issubclass(field_class, PasswordField):
                    options["filters"] = [*(unbound_field.kwargs.get("filters") or ()), _trimmed]
            return unbound_field.bind(form=form, **options)


class EmailAddress:
    """A syntactically valid address (no DNS look-up: it must work offline and fast)."""

    def __call__(self, form: object, field: EmailField) -> None:
        try:
            validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValidationError(
                _l("Enter an e-mail address in the right format, like name@example.org")
            ) from exc


MAX_EMAIL = 254  # RFC 5321's longest address; the columns hold 320


def email_field(label: str | None = None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address")),
            Length(max=MAX_EMAIL, message=_l("Use at most %(max)d characters")),
            EmailAddress(),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"},
    )


@functools.lru_cache(maxsize=16)
def _wtforms_catalogue(locale: str) -> support.Translations:
    from wtforms.i18n import messages_path

    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class CachedTranslations:
    """WTForms' own messages, loaded once per language per process (Flask-WTF reads the catalogue
    from disk for every request): for forms on hot paths, such as signing a petition."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


cached_translations = CachedTranslations()


# Two-letter codes CLDR names that are not countries: ISO 3166's user-assigned codes (AA, QM–QZ,
# XA–XZ, ZZ: "Pseudo-Accents", "Pseudo-Bidi", "Outlying Oceania", "Unknown Region") and its
# exceptionally reserved ones (unions and organisations: EU, EZ, UN; islands that are part of a
# country already listed: AC, CP, CQ, DG, EA, IC, TA). Kosovo (XK) is kept: a user-assigned code, but
# the one everyone uses for a country. Numeric codes (regions: 001, 419…) are never two letters.
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "FX", "IC", "SU", "TA", "UK", "UN"})


def is_country(code: str) -> bool:
    """A real country's (or territory's) ISO 3166-1 code: two letters, neither user-assigned nor reserved."""
    if len(code) != 2 or not code.isalpha() or not code.isupper() or code in NOT_COUNTRIES:
        return False
    user_assigned = code == "AA" or code == "ZZ" or ("QM" <= code <= "QZ") or code.startswith("X")
    return not user_assigned or code == "XK"


COUNTRY_CODES = frozenset(code for code in Locale("en").territories if is_country(code))  # ISO 3166-1


class KnownCountryCode:
    """An ISO 3166 code (the codes are the same in every language: no list is built per request)."""

    def __call__(self, form: object, field: SelectField) -> None:
        if field.data and field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Choose a country from the list"))


SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"  # the end of a public address: petitions, letters, assemblies


def slugify(text: str) -> str:
    """A web-address ending made from a name: lower-case letters and digits, joined by hyphens."""
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in cleaned.split("-") if part)[:80]


def slug_field(description: Any) -> StringField:
    """The web address of a public page (a petition, a letter campaign, an assembly)."""
    return StringField(
        _l("Web address"),
        description=description,
        validators=[
            DataRequired(message=_l("Enter the web address")),
            Length(max=80),
            Regexp(SLUG, message=_l("Use lower-case letters, digits and hyphens")),
        ],
    )


def submitted_fields(form_class: type, *, leave_out: tuple[str, ...] = ("website",)) -> tuple[str, ...]:
    """The names of the fields a form class declares (its own and inherited), but the honeypot: what
    a submission carries, for code that keeps a submission for later (the sign intake)."""
    return tuple(
        sorted(
            name
            for name in dir(form_class)
            if isinstance(getattr(form_class, name, None), UnboundField) and name not in leave_out
        )
    )


class ConfirmForm(Form):
    """A button-only action: the form carries the CSRF token."""


class PublicForm(Form):
    """What anyone may submit without an account or a session — signing a petition, writing a
    letter, registering for an assembly: the supporter's name, e-mail address and country, and a
    honeypot. No CSRF token (there is no session to tie it to): double opt-in, rate limits and the
    honeypot guard these forms. WTForms' messages come from the cached catalogue (hot paths)."""

    class Meta(Form.Meta):
        csrf = False

        def get_translations(self, form: object) -> object:
            return cached_translations

    name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Enter your name")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    country = SelectField(
        _l("Country"),
        validators=[Optional(), KnownCountryCode()],
        validate_choice=False,
        render_kw={"autocomplete": "country"},
    )
    # A field people never see: bots fill it in, and what they send is quietly dropped.
    website = StringField(_l("Leave this empty"), validators=[Length(max=2000)])
