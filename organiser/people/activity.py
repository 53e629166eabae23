"""What supporters did, as the domains that hold it tell: each registers an ``ActivitySource`` (actions:
petition signatures and letters; assemblies: registrations), so the supporters' pages filter by action,
list a person's actions and find who was active lately without importing those packages —
dependencies keep pointing one way, as messaging's segments do.

Every function takes the ids of the coalitions being looked at (a coalition and the chapters under
it) and answers for their actions only, as SQL to combine (never rows loaded to filter in Python)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select


@dataclass(frozen=True)
class Act:
    """One thing a person did, as their page lists it."""

    kind: str  # the source's kind
    title: str  # the action's title
    url: str  # its public page
    what: str  # "Signed", "Wrote to the Minister of Lands", "Registered (waitlisted)"…
    at: datetime | None


@dataclass(frozen=True)
class ActivitySource:
    kind: str  # "petition", "letters", "assembly": the filter's value is "kind" or "kind:action id"
    # (coalition ids) -> [(action id or None for any of them, label)]: the filter's choices, any first
    choices: Callable[[Sequence[int]], list[tuple[int | None, str]]]
    # (coalition ids, action id or None) -> SELECT of the ids of people who took it (any, with None)
    people: Callable[[Sequence[int], int | None], Select[Any]]
    # (coalition ids) -> SELECT (person_id, at) of every act: who was active, and when
    moments: Callable[[Sequence[int]], Select[Any]]
    # (person id, coalition ids) -> the person's acts, newest first
    history: Callable[[int, Sequence[int]], list[Act]]


_sources: dict[str, ActivitySource] = {}


def register_activity(source: ActivitySource) -> None:
    _sources[source.kind] = source


def activity_sources() -> list[ActivitySource]:
    return list(_sources.values())


def activity_source(kind: str) -> ActivitySource | None:
    return _sources.get(kind)
