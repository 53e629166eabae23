"""Coalitions and organisations as the scopes roles are granted in (``organiser.core.scopes``): how
each is loaded by id, and the choices offered when a role is granted."""

from __future__ import annotations

from sqlalchemy import select

from organiser.coalitions.models import Coalition, Organisation
from organiser.core.scopes import ScopeKind
from organiser.db import db


def _coalition_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in db.session.scalars(select(Coalition).order_by(Coalition.name))]


def _organisation_choices() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


SCOPES = (
    ScopeKind("coalition", lambda i: db.session.get(Coalition, i), _coalition_choices),
    ScopeKind("organisation", lambda i: db.session.get(Organisation, i), _organisation_choices),
)
