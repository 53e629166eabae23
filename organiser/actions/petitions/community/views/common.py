"""What the community pages share: a private answer (a page for whoever holds its link), the page
for a link that is not ours, and the targets a petition may be addressed to."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from organiser.actions.targets import services as targets
from organiser.actions.targets.models import Target
from organiser.coalitions.models import Coalition
from organiser.db import db


def private(body: str, status: int = 200) -> Response:
    """A page for one person (its link is its key, or it shows what they typed): never cached."""
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def bad_link() -> Response:
    return private(render_template("actions/petitions/community/bad_link.html"), 404)


def coalition_or_404(slug: str) -> Coalition:
    coalition = db.session.scalar(select(Coalition).where(Coalition.slug == slug))
    if coalition is None:
        abort(404)
    return coalition


def set_target_choices(form: Any, coalition_id: int) -> None:
    """The coalition's decision-makers, by name, for the form's ``target`` list."""
    choices = [SelectChoice("", _("Choose from the list"))]
    for target in targets.targets_of(coalition_id):
        label = ", ".join(x for x in (target.name, target.role, target.body) if x)
        choices.append(SelectChoice(str(target.id), label))
    form.target.choices = choices


def chosen_target(form: Any, coalition_id: int) -> tuple[bool, Target | None]:
    """(valid, the decision-maker chosen): one of the coalition's, or none; anything else is
    refused next to the field."""
    value = form.target.data or ""
    if not value:
        return True, None
    target = db.session.get(Target, int(value)) if value.isdigit() and len(value) < 10 else None
    if target is None or target.coalition_id != coalition_id:
        form.target.errors = [*form.target.errors, _("Choose someone from the list")]
        return False, None
    return True, target
