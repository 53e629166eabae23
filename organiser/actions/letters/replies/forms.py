"""The writer's answer (no account and no session: the e-mailed link is the key, so no CSRF token),
and the coordinators' choice to show responsiveness publicly."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from organiser.actions.letters.replies.models import ReplyAnswer
from organiser.web.forms import Form, cached_translations
from organiser.web.times import DateInput, NotInTheFuture

MAX_SUMMARY = 1000


class AnswerForm(Form):
    """Three forms with a button each, naming its ``answer``; the summary, the permission and the
    day go with "yes"."""

    class Meta(Form.Meta):
        csrf = False

        def get_translations(self, form: object) -> object:
            return cached_translations

    answer = StringField(
        validators=[
            DataRequired(message=_l("Choose one of the buttons")),
            AnyOf([str(a) for a in ReplyAnswer], message=_l("Choose one of the buttons")),
        ]
    )
    summary = TextAreaField(
        _l("What did they say? (optional)"),
        description=_l("A sentence or two is enough. It helps the campaign know who listens."),
        validators=[
            Optional(),
            Length(max=MAX_SUMMARY, message=_l("Use at most %(n)s characters", n=MAX_SUMMARY)),
        ],
        render_kw={"rows": 4},
    )
    may_share = BooleanField(_l("The coalition may share what I wrote here (without my name)"))
    replied_on = DateInput(
        _l("When did they reply? (optional)"),
        description=_l("The day, like 2027-03-31, if you remember it."),
        validators=[Optional(), NotInTheFuture()],
    )


class ResponsivenessForm(Form):
    show = BooleanField(
        _l("Show on the campaign's public page how many writers heard back from each decision-maker")
    )
