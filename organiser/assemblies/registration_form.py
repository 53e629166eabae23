"""The public registration form of one assembly: the common fields (``forms.RegisterForm``), the access
needs as boxes with their details (``needs``), and the organisers' own questions, each a WTForms field
built from the question. Built as a class per request, so ``Form``'s binding gives every text field
and choice its control-character check, like every field of the app."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from organiser.assemblies.forms import RegisterForm
from organiser.assemblies.models import Assembly, QuestionKind, RegistrationQuestion
from organiser.assemblies.needs import NEEDS, Need, offered
from organiser.messaging.forms import MultiCheckboxField

MAX_SHORT, MAX_LONG, MAX_DETAIL = 200, 2000, 120


class RegistrationForm(RegisterForm):
    """The needs, one box each; a detail typed counts as the box ticked, a box ticked for a need that
    has a detail asks for it."""

    access_needs = TextAreaField(
        _l("Anything else you need"),
        description=_l("Optional. A quiet room, travel support, anything that helps you take part."),
        validators=[Optional(), Length(max=2000, message=_l("Use at most 2000 characters"))],
        render_kw={"rows": 3},
    )

    offered_needs: tuple[Need, ...] = NEEDS
    questions: tuple[RegistrationQuestion, ...] = ()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for need in self.offered_needs:
            if need.detail is None:
                continue
            box, detail = self[f"need_{need.key}"], self[f"need_{need.key}_detail"]
            if box.data and not (detail.data or "").strip() and not detail.errors:
                detail.errors.append(_l("Say what you need, or untick the box"))
                valid = False
        return valid

    def needs(self) -> dict[str, str]:
        """The needs ticked (or with a detail typed), need → detail."""
        chosen = {}
        for need in self.offered_needs:
            detail = (self[f"need_{need.key}_detail"].data or "").strip() if need.detail else ""
            if self[f"need_{need.key}"].data or detail:
                chosen[need.key] = detail
        return chosen

    def answers(self) -> dict[str, dict[str, Any]]:
        """The questions answered: the question's id → its text (as asked) and the answer."""
        answered = {}
        for question in self.questions:
            value = self[question.field_name].data
            if isinstance(value, str):
                value = value.strip()
            if value:
                answered[str(question.id)] = {"question": question.label, "answer": value}
        return answered

    def question_fields(self) -> list[Field]:
        return [self[q.field_name] for q in self.questions]


def _need_fields(needs: tuple[Need, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for need in needs:
        fields[f"need_{need.key}"] = BooleanField(need.label)
        if need.detail is not None:
            fields[f"need_{need.key}_detail"] = StringField(
                need.detail, validators=[Optional(), Length(max=MAX_DETAIL)]
            )
    return fields


class _AtLeastOne:
    """A required "several choices" question: at least one box."""

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one"))


def question_field(question: RegistrationQuestion) -> Any:
    """The WTForms field that asks ``question``."""
    hint = question.hint if question.required else f"{_('Optional.')} {question.hint}".strip()
    asked: dict[str, Any] = {"label": question.label, "description": hint or None}
    if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        longest = MAX_SHORT if question.kind == QuestionKind.SHORT_TEXT else MAX_LONG
        first = DataRequired(message=_l("Answer this question")) if question.required else Optional()
        limit = Length(max=longest, message=_l("Use at most %(max)d characters", max=longest))
        if question.kind == QuestionKind.SHORT_TEXT:
            return StringField(**asked, validators=[first, limit])
        return TextAreaField(**asked, validators=[first, limit], render_kw={"rows": 3})
    if question.kind == QuestionKind.SEVERAL_CHOICES:
        first = _AtLeastOne() if question.required else Optional()
        return MultiCheckboxField(
            **asked, choices=[SelectChoice(c) for c in question.choices], validators=[first]
        )
    if question.kind == QuestionKind.ONE_CHOICE:
        choices = [SelectChoice(c) for c in question.choices]
    else:
        choices = [SelectChoice("yes", _("Yes")), SelectChoice("no", _("No"))]
    first = InputRequired(message=_l("Choose an answer")) if question.required else Optional()
    return RadioField(**asked, choices=choices, validators=[first])


def registration_form_class(assembly: Assembly) -> type[RegistrationForm]:
    """The form class of this assembly's registration: its needs (those that matter for it) and
    its questions, in the organisers' order."""
    needs, questions = offered(assembly), tuple(assembly.questions)
    attributes: dict[str, Any] = {"offered_needs": needs, "questions": questions, **_need_fields(needs)}
    attributes.update({q.field_name: question_field(q) for q in questions})
    return type("AssemblyRegistrationForm", (RegistrationForm,), attributes)
