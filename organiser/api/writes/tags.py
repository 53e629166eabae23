"""``add_tags``: coordinators' tags, put on the person a helper recorded, made in the key's coalition
if missing (as the supporters' pages make them: organiser.supporters.tagging). An organisation's
admins tag no one in the pages, so an organisation's key may not either (a 403 naming it)."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext as _

from organiser.api.framework import ApiError
from organiser.api.scope import ApiScope
from organiser.api.writes.body import Text
from organiser.db import db
from organiser.people.models import Person
from organiser.supporters.tagging import TagNameTaken, tag_named, tag_person

TAG_NAME = Text(60, blank=False)


def check_allowed(scope: ApiScope, names: list[str]) -> None:
    if names and not scope.is_coordinator:
        raise ApiError(
            403,
            _("An organisation's key may not tag people."),
            {"add_tags": [_("Only a coalition's key may tag people.")]},
        )


def add(scope: ApiScope, person_id: int | None, names: list[str]) -> None:
    """Put each named tag on the person (made in the key's coalition if there is none)."""
    if not names or person_id is None:
        return
    person = db.session.get(Person, person_id)
    by = SimpleNamespace(id=scope.key.created_by_id)  # the key's maker answers for what it makes
    for name in names:
        try:
            tag = tag_named(scope.viewers[0], name, by=by)
        except TagNameTaken:
            raise ApiError(
                409,
                _("Another coalition of the alliance has a tag of that name."),
                {"add_tags": [_("“%(name)s” is another coalition's tag.", name=name)]},
            ) from None
        tag_person(person, tag)
