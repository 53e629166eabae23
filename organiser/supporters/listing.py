"""The supporters list: how many match, one page of them in the chosen order, when each was last
active, and every match streamed for the export (a server-side cursor: flat memory however many).

Everything is counted, ordered and cut into pages by the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from organiser.coalitions.models import Coalition, Membership, MembershipStatus, Organisation
from organiser.db import as_utc, db
from organiser.people.activity import activity_sources
from organiser.people.models import ConsentSubject, Person
from organiser.supporters.criteria import Criteria, activity, conditions
from organiser.supporters.scope import Viewer
from organiser.web.cards import Paginated
from organiser.web.forms import COUNTRY_CODES
from organiser.web.templating import country_name

PER_PAGE = 50
EXPORT_BATCH = 2000  # rows fetched from the server-side cursor at a time


@dataclass(frozen=True)
class Row:
    person: Person
    last_active: datetime | None


def count(viewer: Viewer, criteria: Criteria) -> int:
    return (
        db.session.scalar(select(func.count()).select_from(Person).where(*conditions(viewer, criteria))) or 0
    )


def _last_active(viewer: Viewer) -> Any:
    moments = activity(viewer)
    return (
        select(moments.c.person_id, func.max(moments.c.at).label("at"))
        .group_by(moments.c.person_id)
        .subquery("last_active")
    )


def _ordered(viewer: Viewer, criteria: Criteria, sort: str) -> Any:
    query = select(Person).where(*conditions(viewer, criteria))
    if sort == "active":
        last = _last_active(viewer)
        return query.join(last, last.c.person_id == Person.id).order_by(last.c.at.desc(), Person.id.desc())
    if sort == "name":
        return query.order_by(func.lower(Person.name), Person.id)
    if sort == "oldest":
        return query.order_by(Person.created_at, Person.id)
    return query.order_by(Person.created_at.desc(), Person.id.desc())


def last_active(viewer: Viewer, person_ids: Sequence[int]) -> dict[int, datetime]:
    """When each of these people last acted in the viewer's coalitions (or joined)."""
    if not person_ids:
        return {}
    moments = activity(viewer)
    rows = db.session.execute(
        select(moments.c.person_id, func.max(moments.c.at))
        .where(moments.c.person_id.in_(list(person_ids)))
        .group_by(moments.c.person_id)
    ).all()
    return {person_id: as_utc(at) for person_id, at in rows}


def page_of(viewer: Viewer, criteria: Criteria, sort: str, page: int) -> Paginated[Row]:
    """One page of the people who match (a page past the end shows the last one)."""
    total = count(viewer, criteria)
    pages = max(1, ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    people = list(
        db.session.scalars(_ordered(viewer, criteria, sort).limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    )
    active = last_active(viewer, [p.id for p in people]) if viewer.is_coordinator else {}
    return Paginated([Row(p, active.get(p.id)) for p in people], page, pages, total)


# ---- the filters' choices -------------------------------------------------------------------------


def _member_organisations(viewer: Viewer) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(
                Membership.coalition_id.in_(viewer.coalition_ids + viewer.lineage_ids),
                Membership.status == MembershipStatus.ACTIVE,
            )
            .distinct()
            .order_by(Organisation.name)
        )
    )


def consent_choices(viewer: Viewer) -> list[tuple[str, str]]:
    """The coalition and its chapters, then their active member organisations."""
    coalitions = db.session.scalars(
        select(Coalition).where(Coalition.id.in_(viewer.coalition_ids)).order_by(Coalition.name)
    )
    return [(f"{ConsentSubject.COALITION}:{c.id}", c.name) for c in coalitions] + [
        (f"{ConsentSubject.ORGANISATION}:{o.id}", o.name) for o in _member_organisations(viewer)
    ]


def action_choices(viewer: Viewer) -> list[tuple[str, str]]:
    return [
        (source.kind if action_id is None else f"{source.kind}:{action_id}", label)
        for source in activity_sources()
        for action_id, label in source.choices(viewer.coalition_ids)
    ]


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in COUNTRY_CODES), key=lambda pair: pair[1])


def language_choices(viewer: Viewer) -> list[tuple[str, str]]:
    """The languages of the tree's coalitions and of the platform, by their names in the reader's."""
    tree = [viewer.root.id, *viewer.coalition_ids]
    codes = set(current_app.config["LANGUAGES"])
    for languages in db.session.scalars(select(Coalition.languages).where(Coalition.id.in_(tree))):
        codes.update(code for code in languages or () if isinstance(code, str) and code)
    names = (get_locale() or Locale("en")).languages
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda pair: pair[1].lower())


def sort_choices(viewer: Viewer) -> list[str]:
    return ["joined", "oldest", "name", "active"] if viewer.is_coordinator else ["joined", "oldest", "name"]


# ---- the export -----------------------------------------------------------------------------------

EXPORT_COLUMNS = ["name", "email", "postcode", "region", "country", "language", "joined_at"]


def export_rows(viewer: Viewer, criteria: Criteria) -> Iterator[tuple[Any, ...]]:
    """Every person who matches, oldest first, read in batches from a server-side cursor (PostgreSQL)
    or the SQLite cursor: memory stays flat however many there are."""
    query = (
        select(
            Person.name,
            Person.email,
            Person.postcode,
            Person.region,
            Person.country,
            Person.language,
            Person.created_at,
        )
        .where(*conditions(viewer, criteria))
        .order_by(Person.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    result = db.session.execute(query)
    try:
        for name, email, postcode, region, country, language, joined in result:
            yield name, email, postcode, region, country or "", language or "", as_utc(joined).isoformat()
    finally:
        result.close()


def export_what(viewer: Viewer) -> str:
    """What the export log calls the download."""
    return _("Supporters of %(coalition)s", coalition=viewer.coalition.name)
