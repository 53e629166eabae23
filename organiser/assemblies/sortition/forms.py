"""The forms of selection by lot: the organisers' (the pool's settings, quotas, an import, a run, the
seed) and the public volunteering form, built per pool from the categories its organisers ask."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from organiser.assemblies.sortition import pools, selection, solver
from organiser.assemblies.sortition.models import SortitionPool
from organiser.web.forms import Form, PublicForm

MAX_CSV = 2_000_000


class PoolForm(Form):
    categories = TextAreaField(
        _l("Categories and their features"),
        description=_l(
            "One category a line: its name, a colon, then its features separated by commas. "
            "For example: Age band: 16-29, 30-44, 45-64, 65+"
        ),
        validators=[DataRequired(message=_l("Give at least one category")), Length(max=5000)],
        render_kw={"rows": 6},
    )
    panel_size = IntegerField(
        _l("Seats on the panel"),
        validators=[InputRequired(message=_l("Give the number of seats")), NumberRange(min=1, max=1000)],
        render_kw={"inputmode": "numeric"},
    )
    one_per_household = BooleanField(_l("At most one person per household or address"))
    volunteering_open = BooleanField(_l("Open the public volunteering form"))

    def validate_categories(self, field: TextAreaField) -> None:
        try:
            self.parsed = pools.parse_categories(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class QuotasForm(Form):
    quotas = TextAreaField(
        _l("Quotas (CSV: category,feature,min,max)"),
        description=_l("One row per feature, with the header row. The minimum and maximum are seats."),
        validators=[DataRequired(message=_l("Give the quotas")), Length(max=MAX_CSV)],
        render_kw={"rows": 10, "spellcheck": "false"},
    )

    def validate_quotas(self, field: TextAreaField) -> None:
        try:
            self.parsed = solver.read_categories_csv(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class ImportForm(Form):
    people = TextAreaField(
        _l("Volunteers (CSV)"),
        description=_l(
            "The columns id, name, email and one per category (optional: household). Only import "
            "people who agreed to be in the pool and to be told how their answers are used."
        ),
        validators=[DataRequired(message=_l("Paste the CSV")), Length(max=MAX_CSV)],
        render_kw={"rows": 10, "spellcheck": "false"},
    )


class RunForm(Form):
    method = SelectField(
        _l("Method"),
        choices=[
            SelectChoice("leximin", _l("Leximin: the fairest chances the quotas allow (slower)")),
            SelectChoice("maximin", _l("Maximin: the smallest chance as large as it can be")),
            SelectChoice("legacy", _l("Legacy greedy method (for comparison only)")),
        ],
        default="leximin",
    )
    time_limit = IntegerField(
        _l("Time budget in seconds"),
        default=60,
        validators=[InputRequired(), NumberRange(min=1, max=selection.MAX_TIME_LIMIT)],
        render_kw={"inputmode": "numeric"},
    )


class CommitForm(Form):
    seed_sha256 = StringField(
        _l("SHA-256 of your seed"),
        description=_l("Choose a secret seed, publish its SHA-256 here, and reveal the seed after."),
        validators=[DataRequired(message=_l("Give the SHA-256")), Length(max=64)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )


class LotteryForm(Form):
    result = StringField(
        _l("Public lottery result"),
        description=_l("The published numbers, exactly as announced, used as the seed."),
        validators=[DataRequired(message=_l("Give the lottery result")), Length(max=300)],
        render_kw={"autocomplete": "off"},
    )


class RevealForm(Form):
    seed = StringField(
        _l("The seed"),
        validators=[DataRequired(message=_l("Give the seed")), Length(max=300)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )


class VolunteerForm(PublicForm):
    country = None  # not asked: the pool asks its own categories
    household = StringField(
        _l("Your address or household"),
        description=_l("Asked so that at most one person per household is selected."),
        validators=[Optional(), Length(max=300)],
        render_kw={"autocomplete": "street-address"},
    )
    agree = BooleanField(
        _l("I agree that my answers are used as described above"),
        validators=[DataRequired(message=_l("Tick the box to volunteer"))],
    )
    categories: dict[str, list[str]] = {}

    def features(self) -> dict[str, str]:
        return {c: self[f"category_{i}"].data for i, c in enumerate(self.categories)}


def volunteer_form_class(pool: SortitionPool) -> type[VolunteerForm]:
    """The pool's form: one question a category, each feature a choice; the household if asked."""
    attributes: dict[str, Any] = {"categories": dict(pool.categories)}
    for i, (category, features) in enumerate(pool.categories.items()):
        attributes[f"category_{i}"] = RadioField(
            category,
            choices=[SelectChoice(f, f) for f in features],
            validators=[InputRequired(message=_l("Choose an answer"))],
        )
    if not pool.one_per_household:
        attributes["household"] = None
    return type("PoolVolunteerForm", (VolunteerForm,), attributes)
