"""Coalitions and their public pages: the alliances on the home page with their chapters, a
coalition's page loaded in a fixed number of queries, its member directory with its filters, and who
coordinates it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from organiser.coalitions.models import Coalition, Membership
from organiser.coalitions.services.organisations import name_key
from organiser.core.models import Role, User
from organiser.core.services import holders_of
from organiser.db import db


def coordinators_of(coalition: Coalition) -> list[User]:
    """The people who coordinate this coalition itself (not those above it)."""
    return holders_of(Role.COALITION_COORDINATOR, coalition.id)


def alliances() -> list[Coalition]:
    """Coalitions with no parent, by name, their chapters loaded in the same round trip."""
    query = (
        select(Coalition)
        .where(Coalition.parent_id.is_(None))
        .options(selectinload(Coalition.chapters))
        .order_by(Coalition.name)
    )
    return list(db.session.scalars(query))


def public_page(slug: str) -> Coalition | None:
    """A coalition with everything its public page shows, in four queries whatever its size."""
    query = (
        select(Coalition)
        .where(Coalition.slug == slug)
        .options(
            joinedload(Coalition.parent),
            selectinload(Coalition.chapters),
            selectinload(Coalition.memberships).joinedload(Membership.organisation),
        )
    )
    return db.session.scalar(query)


def directory(coalition: Coalition, *, q: str = "", type: str = "", country: str = "") -> list[Membership]:
    """The coalition's active members, filtered by a search term, a type and a country."""
    members = coalition.active_members()
    key = name_key(q)
    return [
        m
        for m in members
        if (not key or key in name_key(m.organisation.name) or key in name_key(m.organisation.description))
        and (not type or m.organisation.type == type)
        and (not country or m.organisation.country == country)
    ]
