"""Plain values the figures modules answer with (``people.figures``, ``messaging.figures``,
``actions.figures``, ``assemblies.figures``), so that the pages above them (the coordinators' desk)
add up figures without knowing a model, and the constants that keep their ``IN`` lists literal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam

# (what was counted: an action's or a coalition's id, the day, how many); the day is None for the
# period before the one shown (``organiser.web.periods.day_or_before``), counted as a whole.
DayCount = tuple[int, date | None, int]


@dataclass(frozen=True)
class Action:
    """One action a desk counts: a petition, a letter campaign or an assembly (``web.cards`` kinds)."""

    kind: str
    id: int
    coalition_id: int
    title: str
    url: str


def one_of(column: Any, values: Iterable[Any]) -> Any:
    """``column IN (…)`` with the values written into the SQL, not bound: PostgreSQL then matches the
    condition against a partial index's (``WHERE state IN ('confirmed', 'counted')``) in every plan,
    prepared ones included."""
    listed = [str(v) for v in values]
    return column.in_(bindparam(column.key, listed, unique=True, expanding=True, literal_execute=True))
