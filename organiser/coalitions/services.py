"""Coalition operations used by the views, the CLI and the demo seed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from organiser.coalitions.models import Coalition, Membership, Organisation
from organiser.core.models import Role, RoleGrant, User
from organiser.core.scopes import ScopeKind, register_scope
from organiser.db import db
from organiser.messaging.models import Mailing
from organiser.messaging.services.audiences import Segment, register_segment


def coordinators_of(coalition: Coalition) -> list[User]:
    """The people who coordinate this coalition itself (not those above it)."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.COALITION_COORDINATOR, RoleGrant.scope_id == coalition.id)
            .order_by(User.name, User.email)
        )
    )


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


def mailings_of(coalition: Coalition) -> list[Mailing]:
    query = select(Mailing).where(Mailing.coalition_id == coalition.id).order_by(Mailing.created_at.desc())
    return list(db.session.scalars(query))


def _coalition_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in db.session.scalars(select(Coalition).order_by(Coalition.name))]


def _organisation_choices() -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


register_scope(ScopeKind("coalition", lambda i: db.session.get(Coalition, i), _coalition_choices))
register_scope(ScopeKind("organisation", lambda i: db.session.get(Organisation, i), _organisation_choices))


def _supporter_choices(coalition: Coalition) -> list[tuple[dict[str, object], str]]:
    from flask_babel import gettext as _

    return [({}, _("Everyone who agreed to hear from %(name)s", name=coalition.name))]


def _supporters(mailing: object, params: dict[str, object]) -> object:
    """People in the coalition's tree; the consent filter then keeps those who agreed to hear from it."""
    from organiser.core.people import Person

    coalition = db.session.get(Coalition, mailing.coalition_id)  # type: ignore[attr-defined]
    root = coalition.lineage()[-1]
    return select(Person.id).where(Person.tree_id == root.id)


register_segment(Segment("coalition_supporters", _supporter_choices, _supporters))
