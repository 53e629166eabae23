"""The public listings' forms: plain GET forms (no session, no token: the pages stay cacheable).

A choice that is not on the list (an old link, a hand-made address) is ignored: the list is shown
unfiltered. A search longer than ``MAX_QUERY`` is refused with a message next to the field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.validators import Length

from organiser.web.cards import ACTION_KINDS, ASSEMBLY, COALITION, LETTERS, PETITION
from organiser.web.forms import Form
from organiser.web.search import MAX_QUERY

KIND_LABELS = {
    PETITION: _l("Petitions"),
    LETTERS: _l("Letter campaigns"),
    ASSEMBLY: _l("Assemblies"),
    COALITION: _l("Coalitions"),
}


class _GetForm(Form):
    class Meta(Form.Meta):
        csrf = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(formdata=request.args, **kwargs)

    def chosen(self, field: SelectField) -> str:
        """The field's value if it is one of its choices, else "" (any)."""
        value = field.data or ""
        return value if value in {str(choice[0]) for choice in field.choices or ()} else ""


class ListingFilters(_GetForm):
    """A coalition page's lists of actions and outcomes: by kind, chapter (an alliance's) and country."""

    kind = SelectField(_l("Kind"), validate_choice=False, default="")
    chapter = SelectField(_l("Chapter"), validate_choice=False, default="")
    country = SelectField(_l("Country"), validate_choice=False, default="")

    def set_choices(self, chapters: Iterable[tuple[str, str]], countries: Iterable[tuple[str, str]]) -> None:
        self.kind.choices = [("", str(_l("All kinds")))] + [(k, str(KIND_LABELS[k])) for k in ACTION_KINDS]
        self.chapter.choices = [("", str(_l("All chapters")))] + list(chapters)
        self.country.choices = [("", str(_l("All countries")))] + list(countries)


class SearchForm(_GetForm):
    """Searching actions, coalitions and assemblies, narrowed by kind and country."""

    q = SearchField(
        _l("Search"),
        description=_l("Words from a title or a description, like “housing” or “debt”."),
        validators=[Length(max=MAX_QUERY, message=_l("Use at most %(max)d characters"))],
        render_kw={"spellcheck": "false"},
    )
    kind = SelectField(_l("Kind"), validate_choice=False, default="")
    country = SelectField(_l("Country"), validate_choice=False, default="")

    def set_choices(self, countries: Iterable[tuple[str, str]]) -> None:
        kinds = (*ACTION_KINDS, COALITION)
        self.kind.choices = [("", str(_l("All kinds")))] + [(k, str(KIND_LABELS[k])) for k in kinds]
        self.country.choices = [("", str(_l("All countries")))] + list(countries)

    @property
    def words(self) -> str:
        """What to search for: the query once it is valid, else nothing."""
        text = (self.q.data or "").strip()
        return text if not self.q.errors and len(text) <= MAX_QUERY else ""
