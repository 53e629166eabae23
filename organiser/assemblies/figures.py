"""What the coordinators' desk may ask of assemblies (like ``listings`` for the public pages): a
coalition's assemblies, their confirmed registrations per day, and who registered (to count new
supporters). Counted by the database; plain values (``organiser.web.tallies``).

A registration counts from when it was confirmed, with a place or on the waitlist, as the public
pages' weekly activity does (``listings.ACTIVE_REGISTRATIONS``); a cancelled one no longer counts.
On PostgreSQL the index ``ix_assembly_registrations_waitlist`` (assembly, status, confirmed_at)
answers these counts on its own."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from organiser.assemblies.listings import ACTIVE_REGISTRATIONS
from organiser.assemblies.models import Assembly, Registration
from organiser.db import db
from organiser.web.cards import ASSEMBLY
from organiser.web.periods import Period, as_date, day_in, within
from organiser.web.tallies import Action, DayCount, one_of
from organiser.web.urls import path_for


def assemblies_of(coalition_ids: Collection[int]) -> list[Action]:
    """Every assembly of these coalitions (drafts too: they count nothing)."""
    rows = db.session.execute(
        select(Assembly.id, Assembly.coalition_id, Assembly.title, Assembly.slug).where(
            Assembly.coalition_id.in_(list(coalition_ids))
        )
    )
    return [
        Action(ASSEMBLY, i, c, title, path_for("assemblies.public", slug=slug)) for i, c, title, slug in rows
    ]


def registrations_by_day(assembly_ids: Sequence[int], period: Period) -> list[DayCount]:
    """(assembly, day, registrations confirmed that day) over ``period``; days without any left out."""
    if not assembly_ids:
        return []
    confirmed_at = Registration.confirmed_at
    day = day_in(confirmed_at, db.session.get_bind().dialect.name, period)
    rows = db.session.execute(
        select(Registration.assembly_id, day, func.count())
        .where(
            Registration.assembly_id.in_(list(assembly_ids)),
            one_of(Registration.status, ACTIVE_REGISTRATIONS),
            *within(confirmed_at, period),
        )
        .group_by(Registration.assembly_id, day)
    )
    return [(k, as_date(d), n) for k, d, n in rows]


def actors(coalition_ids: Collection[int], since: datetime, until: datetime) -> list[Any]:
    """Queries of (coalition, person, when): everyone whose registration for these coalitions' assemblies
    was confirmed between ``since`` and ``until`` (for ``people.figures.new_among``)."""
    return [
        select(
            Assembly.coalition_id.label("coalition_id"),
            Registration.person_id.label("person_id"),
            Registration.confirmed_at.label("at"),
        )
        .join(Assembly, Assembly.id == Registration.assembly_id)
        .where(
            Assembly.coalition_id.in_(list(coalition_ids)),
            one_of(Registration.status, ACTIVE_REGISTRATIONS),
            Registration.confirmed_at >= since,
            Registration.confirmed_at < until,
            Registration.person_id.is_not(None),
        )
    ]
