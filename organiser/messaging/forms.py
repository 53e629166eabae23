"""Forms for mailings and for the unsubscribe page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from organiser.web.forms import MAX_EMAIL, EmailAddress, Form
from organiser.web.times import InTheFuture, LocalDateTimeInput


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MailingForm(Form):
    subject = StringField(
        _l("Subject"),
        validators=[DataRequired(message=_l("Enter a subject")), Length(max=300)],
    )
    from_name = StringField(
        _l("From name"),
        description=_l("The name people see as the sender. The coalition's name if you leave it empty."),
        validators=[Optional(), Length(max=200)],
    )
    reply_to = StringField(
        _l("Reply-to address"),
        description=_l("Where replies go. Optional."),
        validators=[Optional(), Length(max=MAX_EMAIL), EmailAddress()],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )
    segments = MultiCheckboxField(
        _l("Who gets it"),
        description=_l("Only people whose consent covers the sender receive it, whatever you choose here."),
        validators=[DataRequired(message=_l("Choose at least one group of people"))],
    )
    body_markdown = TextAreaField(
        _l("Message"),
        description=_l(
            "Markdown: *italics*, **bold**, [a link](https://example.org). "
            "{{ name }} becomes each person's name. An unsubscribe link is added at the end."
        ),
        validators=[DataRequired(message=_l("Write the message")), Length(max=100_000)],
        render_kw={"rows": 14},
    )


class ScheduleForm(Form):
    when = LocalDateTimeInput(
        _l("Send at"),
        description=_l("In UTC."),
        validators=[InputRequired(message=_l("Enter the date and time to send at")), InTheFuture()],
    )


class UnsubscribeForm(Form):
    scope = RadioField(
        _l("What do you want to stop?"),
        choices=[SelectChoice("sender"), SelectChoice("everything")],
        default="sender",
        validators=[DataRequired()],
    )
