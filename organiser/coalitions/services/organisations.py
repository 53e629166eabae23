"""Organisations: finding one by name and country (an application or an import names an existing
one rather than creating a copy), a free slug for a new one, its administrators, whether it is one
coalition's alone, and its profile and logo."""

from __future__ import annotations

import logging

from sqlalchemy import select

from organiser.coalitions.models import Organisation
from organiser.core.models import Role, User
from organiser.core.services import holders_of
from organiser.db import db
from organiser.web.forms import slugify

log = logging.getLogger(__name__)


def name_key(name: str) -> str:
    """A name as compared: ignoring case and spacing."""
    return " ".join(name.casefold().split())


def find_organisation(name: str, country: str | None) -> Organisation | None:
    """An organisation with the same name (ignoring case and spacing) in the same country."""
    candidates = db.session.scalars(select(Organisation).where(Organisation.country == country))
    key = name_key(name)
    return next((o for o in candidates if name_key(o.name) == key), None)


def unique_slug(name: str) -> str:
    base = slugify(name) or "organisation"
    slug, n = base, 1
    while db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        n += 1
        slug = f"{base[:70]}-{n}"
    return slug


def find_or_create_organisation(profile: dict[str, str]) -> tuple[Organisation, bool]:
    """The organisation the profile names (by name and country), or a new one made from it; and
    whether it is new. An existing organisation's profile is never changed by this."""
    org = find_organisation(profile["name"], profile["country"])
    if org is not None:
        return org, False
    org = Organisation(slug=unique_slug(profile["name"]), **profile)
    db.session.add(org)
    db.session.flush()
    return org, True


def admins_of(organisation: Organisation) -> list[User]:
    return holders_of(Role.ORGANISATION_ADMIN, organisation.id)


def belongs_only_to(org: Organisation, coalition_ids: set[int]) -> bool:
    """Whether the organisation is these coalitions' alone: no administrators of its own, and no
    membership anywhere else. Only then may these coalitions' decisions give someone a role in it
    (approving its application invites its contact as administrator)."""
    return not admins_of(org) and all(m.coalition_id in coalition_ids for m in org.memberships)


def update_organisation(org: Organisation, *, by: User, **fields: object) -> None:
    if "logo" in fields:
        org.logo_version, org.has_logo = (org.logo_version or 0) + 1, fields["logo"] is not None
    for key, value in fields.items():
        setattr(org, key, value)
    db.session.flush()
    log.info("organisation %s profile changed by %s", org.id, by.id)


def logo_of(slug: str) -> tuple[bytes, int] | None:
    row = db.session.execute(
        select(Organisation.logo, Organisation.logo_version).where(Organisation.slug == slug)
    ).first()
    if row is None or row.logo is None:
        return None
    return row.logo, row.logo_version
