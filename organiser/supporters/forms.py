"""The supporters' forms: the list's filters (one GET form: the address is the filter, so it can be
bookmarked, shared with a colleague and saved as a segment), tagging, notes and segments.

A filter that is not valid — a choice not on the list, a date that is not one — is answered next to
its field and matches nobody: the list never quietly widens to everyone (a tag put on "everyone who
matches" must be put on the people the coordinator meant)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from organiser.supporters.criteria import MAX_ACTIVE_DAYS, Criteria
from organiser.web.forms import Form
from organiser.web.times import DateInput

SORT_LABELS = {
    "joined": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "name": _l("Name"),
    "active": _l("Last active"),
}
ANY = ""
TAG_NAME_MAX = 60


def _choice_error(form: Any, field: SelectField) -> None:
    if field.data not in {str(value) for value, _label in field.choices or ()}:
        raise ValidationError(_l("Choose one of the options"))


class FilterForm(Form):
    """Who to list. Its fields are the list's query parameters (``?action=petition:12&country=ZM``)."""

    class Meta(Form.Meta):
        csrf = False

    q = SearchField(
        _l("Name or e-mail address"),
        description=_l("Part of it is enough."),
        validators=[Optional(), Length(max=200, message=_l("Use at most %(max)d characters"))],
        render_kw={"spellcheck": "false"},
    )
    action = SelectField(_l("Took action"), validators=[_choice_error], default=ANY, validate_choice=False)
    consent = SelectField(
        _l("Agrees to hear from"), validators=[_choice_error], default=ANY, validate_choice=False
    )
    country = SelectField(_l("Country"), validators=[_choice_error], default=ANY, validate_choice=False)
    region = StringField(
        _l("Region"),
        description=_l("Part of it is enough."),
        validators=[Optional(), Length(max=120, message=_l("Use at most %(max)d characters"))],
    )
    language = SelectField(_l("Language"), validators=[_choice_error], default=ANY, validate_choice=False)
    tag = SelectField(_l("Tag"), validators=[_choice_error], default=ANY, validate_choice=False)
    joined_from = DateInput(_l("Joined on or after"), validators=[Optional()])
    joined_to = DateInput(_l("Joined on or before"), validators=[Optional()])
    active_days = IntegerField(
        _l("Active in the last … days"),
        description=_l("Signed, wrote, registered or joined."),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_ACTIVE_DAYS,
                message=_l("Enter a whole number of days from %(min)s to %(max)s"),
            ),
        ],
    )
    sort = SelectField(_l("Order"), validators=[_choice_error], default="joined", validate_choice=False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(formdata=request.args, **kwargs)

    def set_choices(
        self, choices: dict[str, Iterable[tuple[str, str]]], *, left_out: Iterable[str] = ()
    ) -> None:
        """Each select's options (an "any" option first), by field name. A select given none, and
        each field ``left_out``, is taken off the form (an organisation's admins filter by fewer
        things); a value sent for one anyway makes the form invalid, rather than be ignored."""
        self.unavailable: list[str] = []
        gone = [name for name in ("action", "consent", "country", "language", "tag") if not choices.get(name)]
        for name in ("action", "consent", "country", "language", "tag"):
            if name not in gone:
                self[name].choices = [(ANY, str(_l("Any")))] + list(choices[name])
        for name in [*gone, *left_out]:
            if (request.args.get(name) or "").strip():
                self.unavailable.append(str(self[name].label.text))
            delattr(self, name)
        self.sort.choices = [
            (key, str(label)) for key, label in SORT_LABELS.items() if key in choices["sort"]
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if getattr(self, "unavailable", None):
            names = ", ".join(self.unavailable)
            message = str(_l("This list cannot be filtered by: %(names)s.", names=names))
            if message not in self.form_errors:  # validated again when the page is shown
                self.form_errors.append(message)
            return False
        return valid

    def validate_joined_to(self, field: DateInput) -> None:
        start = self.joined_from.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(_l("Enter a day on or after the first one"))

    def _value(self, name: str) -> Any:
        return self[name].data if name in self else None

    def criteria(self) -> Criteria:
        """The filters as one value (call once the form is valid)."""
        tag = self._value("tag")
        return Criteria(
            q=(self.q.data or "").strip(),
            action=self._value("action") or "",
            consent=self._value("consent") or "",
            country=self._value("country") or "",
            region=(self.region.data or "").strip(),
            language=self._value("language") or "",
            tag=int(tag) if tag else None,
            joined_from=self.joined_from.data,
            joined_to=self.joined_to.data,
            active_days=self._value("active_days"),
        )

    @property
    def chosen_sort(self) -> str:
        return self.sort.data if self.sort.data in {v for v, _label in self.sort.choices or ()} else "joined"


def _tag_name_field(label: Any) -> StringField:
    return StringField(
        label,
        description=_l("A new tag is made with this name."),
        validators=[Optional(), Length(max=TAG_NAME_MAX, message=_l("Use at most %(max)d characters"))],
    )


class TagForm(Form):
    """Put a tag on people (or take it off: the button named ``do`` says which): one of the
    coalition's tags, or a new one by name."""

    tag = SelectField(_l("Tag"), default=ANY, validate_choice=False)
    new_tag = _tag_name_field(_l("Or a new tag"))

    def set_choices(self, tags: Iterable[tuple[str, str]]) -> None:
        self.tag.choices = [(ANY, str(_l("Choose a tag")))] + list(tags)

    def validate_tag(self, field: SelectField) -> None:
        if field.data and field.data not in {value for value, _label in field.choices or ()}:
            raise ValidationError(_l("Choose one of the options"))
        if not field.data and not (self.new_tag.data or "").strip():
            raise ValidationError(_l("Choose a tag, or name a new one"))


class NewTagForm(Form):
    name = StringField(
        _l("Name of the tag"),
        validators=[
            DataRequired(message=_l("Enter a name for the tag")),
            Length(max=TAG_NAME_MAX, message=_l("Use at most %(max)d characters")),
        ],
    )


class NoteForm(Form):
    body = TextAreaField(
        _l("Note"),
        description=_l("Seen by the coordinators, and by the person if they ask for their data."),
        validators=[
            DataRequired(message=_l("Write the note")),
            Length(max=5000, message=_l("Use at most %(max)d characters")),
        ],
        render_kw={"rows": 4},
    )


class SegmentForm(Form):
    name = StringField(
        _l("Name of the segment"),
        description=_l("Mailings offer it under this name; who it holds is worked out when one is sent."),
        validators=[
            DataRequired(message=_l("Enter a name for the segment")),
            Length(max=120, message=_l("Use at most %(max)d characters")),
        ],
    )
    # Only for the admins of more than one of the coalition's member organisations (else left out).
    organisation = SelectField(
        _l("For the mailings of"), validators=[_choice_error], default=ANY, validate_choice=False
    )
