"""The organisers' forms added for finished assemblies: their own registration questions, the
speakers of a part of the programme, and the closing report."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from organiser.web.forms import Form

QUESTION_KINDS = {
    "short_text": _l("Short answer (one line)"),
    "long_text": _l("Long answer (a few lines)"),
    "one_choice": _l("One choice from a list"),
    "several_choices": _l("Several choices from a list"),
    "yes_no": _l("Yes or no"),
}
WITH_CHOICES = ("one_choice", "several_choices")
MAX_CHOICES, MAX_CHOICE = 20, 100
MAX_LINKS, MAX_ORGANISATIONS = 20, 100


def lines_of(text: str | None) -> list[str]:
    """The non-empty lines of a text area, white space folded."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


class QuestionForm(Form):
    label = StringField(
        _l("Question"),
        validators=[DataRequired(message=_l("Write the question")), Length(max=300)],
    )
    hint = StringField(
        _l("Hint"),
        description=_l("Optional. Shown under the question: why you ask, or an example answer."),
        validators=[Optional(), Length(max=500)],
    )
    kind = SelectField(
        _l("Kind of answer"),
        choices=[SelectChoice(k, label) for k, label in QUESTION_KINDS.items()],
        default="short_text",
    )
    choices = TextAreaField(
        _l("Choices"),
        description=_l("For a list: one choice per line, at most 20."),
        validators=[Optional(), Length(max=MAX_CHOICES * (MAX_CHOICE + 2))],
        render_kw={"rows": 4},
    )
    required = BooleanField(_l("People must answer it"))

    def validate_choices(self, field: TextAreaField) -> None:
        choices = lines_of(field.data)
        if self.kind.data not in WITH_CHOICES:
            return
        if len(choices) < 2:
            raise ValidationError(_l("Give at least two choices, one per line"))
        if len(choices) > MAX_CHOICES:
            raise ValidationError(_l("Give at most %(max)d choices", max=MAX_CHOICES))
        if any(len(choice) > MAX_CHOICE for choice in choices):
            raise ValidationError(_l("Keep each choice under %(max)d characters", max=MAX_CHOICE))
        if len({c.casefold() for c in choices}) != len(choices):
            raise ValidationError(_l("Give each choice only once"))

    def fields_for_service(self) -> dict[str, Any]:
        kind = self.kind.data
        return {
            "kind": kind,
            "label": self.label.data,
            "hint": self.hint.data or "",
            "required": bool(self.required.data),
            "choices": lines_of(self.choices.data) if kind in WITH_CHOICES else [],
        }


class SpeakerForm(Form):
    """Someone speaking in a part of the programme (``item``'s choices: the assembly's agenda)."""

    item = SelectField(_l("Part of the programme"), coerce=int, validate_choice=True)
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter the speaker's name")), Length(max=200)]
    )
    organisation = StringField(
        _l("Organisation"), description=_l("Optional."), validators=[Optional(), Length(max=200)]
    )
    role = StringField(
        _l("Role"),
        description=_l("Optional. Like: chair, witness, expert, speaker."),
        validators=[Optional(), Length(max=120)],
    )


def _link(line: str) -> dict[str, str] | None:
    """ "A title https://…" (or the link alone) as {"title", "url"}; None if it ends with no web link."""
    *words, url = line.split(" ")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        return None
    return {"title": " ".join(words)[:200], "url": url}


class ClosingReportForm(Form):
    summary = TextAreaField(
        _l("Summary"),
        description=_l("What happened, what was heard, what was decided."),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 8},
    )
    organisations = TextAreaField(
        _l("Organisations present"),
        description=_l("One per line."),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 5},
    )
    media_links = TextAreaField(
        _l("In the media"),
        description=_l("One per line: a title, then the link, like: Zambia Daily Mail, 6 December https://…"),
        validators=[Optional(), Length(max=MAX_LINKS * 720)],
        render_kw={"rows": 4},
    )
    published = BooleanField(_l("Publish it on the assembly's page"))

    def validate_organisations(self, field: TextAreaField) -> None:
        names = lines_of(field.data)
        if len(names) > MAX_ORGANISATIONS:
            raise ValidationError(_l("Name at most %(max)d organisations", max=MAX_ORGANISATIONS))
        if any(len(name) > 200 for name in names):
            raise ValidationError(_l("Keep each name under 200 characters"))

    def validate_media_links(self, field: TextAreaField) -> None:
        links = lines_of(field.data)
        if len(links) > MAX_LINKS:
            raise ValidationError(_l("Give at most %(max)d links", max=MAX_LINKS))
        for number, line in enumerate(links, start=1):
            if _link(line) is None:
                raise ValidationError(
                    _l("Line %(number)d does not end with a link starting https://", number=number)
                )

    def fields_for_service(self) -> dict[str, Any]:
        return {
            "summary": (self.summary.data or "").strip(),
            "organisations": lines_of(self.organisations.data),
            "media_links": [link for line in lines_of(self.media_links.data) if (link := _link(line))],
        }

    @classmethod
    def for_editing(cls, report: Any) -> ClosingReportForm:
        if report is None:
            return cls()
        links = [f"{link['title']} {link['url']}".strip() for link in report.media_links]
        return cls(
            data={
                "summary": report.summary,
                "organisations": "\n".join(report.organisations),
                "media_links": "\n".join(links),
                "published": report.published_at is not None,
            }
        )
