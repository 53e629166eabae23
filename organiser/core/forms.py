"""Forms for signing in, resetting passwords, accepting and sending invitations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from organiser.core.services import MIN_PASSWORD_LENGTH
from organiser.web.forms import Form, email_field


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
            Length(max=200),
            EqualTo("password", message=_l("The two passwords do not match")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class SignInForm(Form):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password, confirm = new_password_fields()


class AcceptInvitationForm(Form):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Enter your name")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password, confirm = new_password_fields()


class InviteForm(Form):
    email = email_field(_l("Their e-mail address"))


class AdminInviteForm(InviteForm):
    grant = SelectField(
        _l("Role"),
        description=_l("What they may do, and where."),
        validators=[DataRequired(message=_l("Choose a role"))],
    )
