"""Forms for signing in, resetting passwords, accepting and sending invitations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from organiser.forms import Form, email_field, new_password_fields


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


class ConfirmForm(Form):
    """A button-only action: the form carries the CSRF token."""


class InviteForm(Form):
    email = email_field(_l("Their e-mail address"))


class AdminInviteForm(InviteForm):
    grant = SelectField(
        _l("Role"),
        description=_l("What they may do, and where."),
        validators=[DataRequired(message=_l("Choose a role"))],
    )
