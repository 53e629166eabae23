"""Plain values the figures modules answer with (``people.figures``, ``messaging.figures``,
``actions.figures``, ``assemblies.figures``), so that the pages above them (the coordinators' desk)
add up figures without knowing a model, and the constants that keep their ``IN`` lists literal."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam

# (what was counted: an action's or a coalition's id, the day, how many).
DayCount = tuple[int, date, int]
# Where people came from, per day: (coalition, day, tracking code or "", co-sponsor's id or 0, how many).
SourceCount = tuple[int, date, str, int, int]


@dataclass(frozen=True)
class Action:
    """One action a desk counts: a petition, a letter campaign or an assembly (``web.cards`` kinds)."""

    kind: str
    id: int
    coalition_id: int
    title: str
    url: str


_past_changed: list[Callable[[int], None]] = []


def on_past_changed(listener: Callable[[int], None]) -> None:
    """Call ``listener(coalition_id)`` whenever figures of days gone by change in a coalition (a
    package above that keeps counts of past days forgets them: ``organiser.desk.rollup``)."""
    _past_changed.append(listener)


def past_changed(coalition_id: int) -> None:
    """Say that counts of past days changed in this coalition (signatures invalidated or restored)."""
    for listener in _past_changed:
        listener(coalition_id)


def one_of(column: Any, values: Iterable[Any]) -> Any:
    """``column IN (…)`` with the values written into the SQL, not bound: PostgreSQL then matches the
    condition against a partial index's (``WHERE state IN ('confirmed', 'counted')``) in every plan,
    prepared ones included."""
    listed = [str(v) for v in values]
    return column.in_(bindparam(column.key, listed, unique=True, expanding=True, literal_execute=True))
