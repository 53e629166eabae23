"""What every supporters' page does first: load the coalition (a missing one is a 404) and work out
what the signed-in user may see of its people (``scope.viewer_for``: nothing is a 403); and the pieces
the list and a person's page share (the tag form)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.people.models import Person, Tag
from organiser.supporters import tagging
from organiser.supporters.forms import TagForm
from organiser.supporters.scope import Viewer, person_in_view, viewer_for


def with_viewer(*, coordinators: bool = False) -> Callable[..., Any]:
    """Load the coalition named by ``slug`` (404) and the user's view of its people (403 without
    one; 403 for an organisation's admins where ``coordinators``); the view gets the viewer."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        @login_required
        def wrapper(slug: str, **kwargs: Any) -> Any:
            coalition = db.session.scalar(select(Coalition).where(Coalition.slug == slug))
            if coalition is None:
                abort(404)
            viewer = viewer_for(coalition, current_user)
            if viewer is None or (coordinators and not viewer.is_coordinator):
                abort(403)
            return view(viewer, **kwargs)

        return wrapper

    return decorator


def person_or_404(viewer: Viewer, person_id: int) -> Person:
    found = person_in_view(viewer, person_id)
    if found is None:
        abort(404)
    return found


def tag_form(viewer: Viewer) -> TagForm:
    form = TagForm()
    form.set_choices([(str(t.id), t.name) for t in tagging.visible_tags(viewer)])
    return form


def chosen_tag(viewer: Viewer, form: TagForm) -> Tag | None:
    """The tag the form names (made now if it is a new name); None, with a message next to the field,
    if it cannot be."""
    try:
        if form.new_tag.data:
            return tagging.tag_named(viewer, form.new_tag.data, by=current_user)
    except tagging.TagNameTaken:
        form.new_tag.errors.append(_("Another chapter has a tag of that name. Choose another name."))
        return None
    return tagging.visible_tag(viewer, int(form.tag.data))
