"""What the coordinators' desk may ask of supporters: how many people are new, per day. Counted by
the database; plain values (``organiser.web.tallies``).

A person is new on the day their record was created in the coalition tree: the first time they
acted (signed, wrote, registered) in any of its coalitions, or were added to it. A chapter's new
supporters are the tree's new people who acted in that chapter in the same period (``new_among``):
someone who acted in two chapters is new to both, and once to the alliance. On PostgreSQL the
index ``ix_people_tree_joined`` (migration 0031) answers these counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, union

from organiser.db import db
from organiser.people.models import Person
from organiser.web.periods import Period, as_date, compared, day_of, day_or_before
from organiser.web.tallies import DayCount


def _day(period: Period) -> Any:
    return day_or_before(Person.created_at, db.session.get_bind().dialect.name, period)


def _created(tree_id: int, period: Period) -> list[Any]:
    return [Person.tree_id == tree_id, *compared(Person.created_at, period)]


def new_in_tree(tree_id: int, period: Period) -> list[DayCount]:
    """(tree, day, people created that day in the tree) over ``period``, and (tree, None, how many)
    over the period before it."""
    day = _day(period)
    rows = db.session.execute(select(day, func.count()).where(*_created(tree_id, period)).group_by(day))
    return [(tree_id, as_date(d), n) for d, n in rows]


def new_among(tree_id: int, actors: Sequence[Any], period: Period, *, before: bool = True) -> list[DayCount]:
    """(coalition, day, new people) over ``period`` (and None: the period before, unless ``before`` is
    False): the tree's people created that day who are among ``actors``, queries of (coalition_id,
    person_id) from the packages that know what people do (over the same periods)."""
    if not actors:
        return []
    acted = union(*actors).subquery()
    if before:
        day, created = _day(period), _created(tree_id, period)
    else:
        dialect = db.session.get_bind().dialect.name
        day = day_of(Person.created_at, dialect, period.zone, period.start, period.end)
        created = [
            Person.tree_id == tree_id,
            Person.created_at >= period.start,
            Person.created_at < period.end,
        ]
    rows = db.session.execute(
        select(acted.c.coalition_id, day, func.count())
        .join(Person, Person.id == acted.c.person_id)
        .where(*created)
        .group_by(acted.c.coalition_id, day)
    )
    return [(coalition_id, as_date(d), n) for coalition_id, d, n in rows]
