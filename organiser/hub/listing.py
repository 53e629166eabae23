"""The lists the public pages show, put together from what actions, assemblies and coalitions answer
through their listing modules: open actions (most active this week first), recent outcomes, and
search results; each filtered by kind and country, and, for an alliance, grouped by chapter.

"This week" is the last seven days: signatures confirmed, letters sent, registrations confirmed.
Those figures are counted once a minute per web process (``ACTIVITY_SECONDS``, not at all when the
public-page memory is off: ``PUBLIC_MICROCACHE_SECONDS`` 0), since they only order the lists; the
counts each card shows are read fresh."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app

from organiser.actions import listings as actions
from organiser.assemblies import listings as assemblies
from organiser.coalitions.models import Coalition
from organiser.coalitions.search import countries, search_coalitions
from organiser.db import utcnow
from organiser.web.cards import Card

ACTIVITY_SECONDS = 60
_activity: dict[int, tuple[float, dict[tuple[str, int], int]]] = {}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def weekly_activity() -> dict[tuple[str, int], int]:
    """(kind, id) → what happened in the last seven days, for every open action."""
    kept = float(current_app.config["PUBLIC_MICROCACHE_SECONDS"]) > 0
    key, now = id(current_app._get_current_object()), time.monotonic()
    hit = _activity.get(key) if kept else None
    if hit is not None and hit[0] > now:
        return hit[1]
    since = utcnow() - timedelta(days=7)
    counts = {**actions.activity(since), **assemblies.activity(since)}
    if kept:
        _activity[key] = (now + ACTIVITY_SECONDS, counts)
    return counts


def forget_activity() -> None:
    _activity.clear()


def open_actions(coalition_ids: Collection[int] | None = None) -> list[Card]:
    """Open petitions, letter campaigns and upcoming assemblies, each with its week's activity."""
    week = weekly_activity()
    cards = actions.open_actions(coalition_ids) + assemblies.upcoming(coalition_ids)
    return [replace(card, week=week.get((card.kind, card.id), 0)) for card in cards]


def outcomes(coalition_ids: Collection[int] | None = None) -> list[Card]:
    """Petitions delivered or answered, letter campaigns answered, demands won."""
    return actions.outcomes(coalition_ids) + assemblies.demands_won(coalition_ids)


def search(q: str) -> list[Card]:
    """Coalitions, actions and assemblies matching ``q`` (public ones only)."""
    return search_coalitions(q) + actions.search_actions(q) + assemblies.search_assemblies(q)


# ---- filtering and ordering ---------------------------------------------------------------------------


def only(cards: Sequence[Card], *, kind: str = "", country: str = "") -> list[Card]:
    return [c for c in cards if (not kind or c.kind == kind) and (not country or c.country == country)]


def _newest(card: Card) -> float:
    return -(card.since or _EPOCH).timestamp()


def by_activity(card: Card) -> tuple[Any, ...]:
    """Most active this week first, then the newest."""
    return (-card.week, _newest(card), card.kind, card.id)


def by_news(card: Card) -> tuple[Any, ...]:
    """The latest outcome first."""
    return (-(card.outcome_on or date.min).toordinal(), card.kind, card.id)


def by_relevance(card: Card) -> tuple[Any, ...]:
    """Best match first (PostgreSQL ranks; on SQLite every rank is 0), then the newest."""
    return (-card.rank, _newest(card), card.kind, card.id)


def grouped(cards: Sequence[Card], tree: Sequence[Coalition], order: Callable[[Card], Any]) -> list[Card]:
    """The cards of an alliance and its chapters, chapter by chapter (the alliance's own first, then
    the chapters as listed), each chapter's in ``order``."""
    position = {coalition.id: index for index, coalition in enumerate(tree)}
    return sorted(cards, key=lambda card: (position.get(card.coalition_id, len(tree)), order(card)))


def countries_of(tree: Sequence[Coalition] | None = None) -> list[str]:
    """The countries a list may be narrowed to: those of an alliance and its chapters, or of every
    coalition on the platform."""
    if tree is None:
        return countries()
    return sorted({c.country for c in tree if c.country})
