"""Coalitions found by a text search (for ``organiser.hub``): their names and descriptions, each in
its own first language on PostgreSQL (``organiser.web.search``), any case on SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from organiser.coalitions.models import Coalition
from organiser.db import as_utc, db
from organiser.web import search
from organiser.web.cards import COALITION, Card
from organiser.web.urls import path_for

MAX_RESULTS = 200
COALITION_TEXT = (Coalition.name, Coalition.description)  # as its full-text index (migration 0027)


def config() -> Any:
    """The coalition's first language's text search configuration (PostgreSQL)."""
    return search.language_config(Coalition.languages)


def countries() -> list[str]:
    """The countries of the platform's coalitions: what its lists may be narrowed to."""
    found = db.session.scalars(select(Coalition.country).where(Coalition.country.is_not(None)).distinct())
    return sorted(found)


def search_coalitions(q: str) -> list[Card]:
    """Coalitions whose name or description match ``q``, best first (newest on SQLite)."""
    found, rank = search.matches(db.session, q, *COALITION_TEXT, config=config())
    rows = db.session.execute(
        select(Coalition, rank)
        .where(found)
        .options(joinedload(Coalition.parent))
        .order_by(rank.desc(), Coalition.id.desc())
        .limit(MAX_RESULTS)
    )
    return [
        Card(
            kind=COALITION,
            id=coalition.id,
            title=coalition.name,
            url=path_for("coalitions.show", slug=coalition.slug),
            coalition_id=coalition.id,
            coalition_name=coalition.parent.name if coalition.parent else "",
            country=coalition.country,
            summary=coalition.description,
            since=as_utc(coalition.created_at),
            rank=float(r or 0),
        )
        for coalition, r in rows
    ]
