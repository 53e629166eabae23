"""What the public listings may ask of assemblies (the coalition page, the home page, the search):
upcoming assemblies with their places left, how many registered this week, the demands assemblies
won, and a text search. Answers are ``organiser.web.cards.Card`` values, never ORM rows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from organiser.assemblies.demands.models import Demand, DemandStatus, Outcome
from organiser.assemblies.models import (
    PLACE_TAKING,
    Assembly,
    AssemblyStatus,
    Registration,
    RegistrationStatus,
)
from organiser.coalitions.models import Coalition
from organiser.db import as_utc, db, utcnow
from organiser.web import search
from organiser.web.cards import ASSEMBLY, Card
from organiser.web.urls import path_for

MAX_RESULTS = 200
PUBLIC = (AssemblyStatus.PUBLISHED, AssemblyStatus.CANCELLED)  # what visitors may see
ASSEMBLY_TEXT = (Assembly.title, Assembly.description, Assembly.venue)  # as its full-text index (0027)
WON = (Outcome.WON, Outcome.PARTLY_WON)
# Registering counts as activity once confirmed, with a place or on the waitlist.
ACTIVE_REGISTRATIONS = (*PLACE_TAKING, RegistrationStatus.WAITLISTED)


def _status(assembly: Assembly) -> str:
    """Published, cancelled, or "held": published and over."""
    held = assembly.status == AssemblyStatus.PUBLISHED and assembly.has_ended()
    return "held" if held else str(assembly.status)


def _card(assembly: Assembly, coalition: Coalition, **extra: Any) -> Card:
    fields: dict[str, Any] = {"summary": assembly.description, **extra}
    return Card(
        kind=ASSEMBLY,
        id=assembly.id,
        title=assembly.title,
        url=path_for("assemblies.public", slug=assembly.slug),
        coalition_id=coalition.id,
        coalition_name=coalition.name,
        country=coalition.country,
        status=_status(assembly),
        starts_at=as_utc(assembly.starts_at),
        timezone=assembly.timezone,
        since=as_utc(assembly.published_at or assembly.created_at),
        **fields,
    )


def _taken(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Registration.assembly_id, func.count())
        .where(Registration.assembly_id.in_(ids), Registration.status.in_(PLACE_TAKING))
        .group_by(Registration.assembly_id)
    )
    return {assembly_id: n for assembly_id, n in rows}


def upcoming(coalition_ids: Collection[int] | None = None, *, now: datetime | None = None) -> list[Card]:
    """Published assemblies of these coalitions (all, for None) that have not ended, with places left."""
    query = (
        select(Assembly, Coalition)
        .join(Coalition, Coalition.id == Assembly.coalition_id)
        .where(Assembly.status == AssemblyStatus.PUBLISHED, Assembly.ends_at > (now or utcnow()))
    )
    if coalition_ids is not None:
        query = query.where(Assembly.coalition_id.in_(list(coalition_ids)))
    rows = list(db.session.execute(query))
    taken = _taken([a.id for a, _c in rows])
    return [
        _card(a, c, count=taken.get(a.id, 0), places_left=max(a.capacity - taken.get(a.id, 0), 0))
        for a, c in rows
    ]


def activity(since: datetime) -> dict[tuple[str, int], int]:
    """Registrations confirmed since then, per published assembly still ahead."""
    rows = db.session.execute(
        select(Registration.assembly_id, func.count())
        .join(Assembly, Assembly.id == Registration.assembly_id)
        .where(
            Assembly.status == AssemblyStatus.PUBLISHED,
            Assembly.ends_at > utcnow(),
            Registration.status.in_(ACTIVE_REGISTRATIONS),
            Registration.confirmed_at >= since,
        )
        .group_by(Registration.assembly_id)
    )
    return {(ASSEMBLY, assembly_id): n for assembly_id, n in rows}


def demands_won(coalition_ids: Collection[int] | None = None) -> list[Card]:
    """Demands assemblies adopted and won (or partly won), each on its assembly's card, with its note."""
    query = (
        select(Demand, Assembly, Coalition)
        .join(Assembly, Assembly.id == Demand.assembly_id)
        .join(Coalition, Coalition.id == Assembly.coalition_id)
        .where(
            Demand.status == DemandStatus.ADOPTED,
            Demand.outcome.in_(WON),
            Assembly.status.in_(PUBLIC),
        )
    )
    if coalition_ids is not None:
        query = query.where(Assembly.coalition_id.in_(list(coalition_ids)))
    return [
        _card(
            assembly,
            coalition,
            outcome=str(demand.outcome),
            outcome_on=demand.outcome_on or (as_utc(demand.decided_at) or utcnow()).date(),
            summary=demand.text,
            note=demand.outcome_note,
        )
        for demand, assembly, coalition in db.session.execute(query)
    ]


def search_assemblies(q: str) -> list[Card]:
    """Published (or cancelled) assemblies whose words match ``q``; at most ``MAX_RESULTS``."""
    found, rank = search.matches(db.session, q, *ASSEMBLY_TEXT)
    rows = db.session.execute(
        select(Assembly, Coalition, rank)
        .join(Coalition, Coalition.id == Assembly.coalition_id)
        .where(found, Assembly.status.in_(PUBLIC))
        .order_by(rank.desc(), Assembly.id.desc())
        .limit(MAX_RESULTS)
    )
    return [_card(a, c, rank=float(r or 0)) for a, c, r in rows]
