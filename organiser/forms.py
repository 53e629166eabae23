"""Shared form pieces: validators whose messages are translated and fields set up for phones."""

from __future__ import annotations

import functools

from babel import support
from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from organiser.core.services import MIN_PASSWORD_LENGTH


class EmailAddress:
    """A syntactically valid address (no DNS look-up: it must work offline and fast)."""

    def __call__(self, form: object, field: EmailField) -> None:
        try:
            validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValidationError(
                _l("Enter an e-mail address in the right format, like name@example.org")
            ) from exc


def email_field(label: str | None = None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[DataRequired(message=_l("Enter your e-mail address")), EmailAddress()],
        render_kw={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"},
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Enter a password")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Use at least %(n)s characters", n=MIN_PASSWORD_LENGTH),
            ),
        ],
        description=_l(
            "At least %(n)s characters. A few unrelated words make a strong one.", n=MIN_PASSWORD_LENGTH
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(message=_l("Type the password again")),
            EqualTo("password", message=_l("The two passwords do not match")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


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
