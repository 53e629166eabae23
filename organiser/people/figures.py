"""What the coordinators' desk may ask of supporters: how many people are new, per day. Counted by
the database; plain values (``organiser.web.tallies``).

A person is new on the day their record was created in the coalition tree: the first time they
acted (signed, wrote, registered) in any of its coalitions, or were added to it. A chapter's new
supporters are the tree's new people who acted in that chapter on the day they joined
(``new_among``): someone who joined through two chapters' actions that day is new to both, and once
to the alliance. Counting per day makes a day's figure final once the day is over, so the desk can
keep it (``organiser.desk.rollup``). On PostgreSQL the index ``ix_people_tree_joined`` (migration
0031) answers these counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, union_all

from organiser.db import db
from organiser.people.models import Person
from organiser.web.periods import Period, as_date, day_in, within
from organiser.web.tallies import DayCount


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def new_in_tree(tree_id: int, period: Period) -> list[DayCount]:
    """(tree, day, people created that day in the tree) over ``period``."""
    day = day_in(Person.created_at, _dialect(), period)
    rows = db.session.execute(
        select(day, func.count())
        .where(Person.tree_id == tree_id, *within(Person.created_at, period))
        .group_by(day)
    )
    return [(tree_id, as_date(d), n) for d, n in rows]


def new_among(tree_id: int, actors: Sequence[Any], period: Period) -> list[DayCount]:
    """(coalition, day, new people) over ``period``: the tree's people created that day who acted in
    the coalition the same day, from ``actors``: queries of (coalition_id, person_id, at) from the
    packages that know what people do (over the same period)."""
    if not actors:
        return []
    acted = union_all(*actors).subquery()
    day = day_in(Person.created_at, _dialect(), period)
    rows = db.session.execute(
        select(acted.c.coalition_id, day, func.count(Person.id.distinct()))
        .join(Person, Person.id == acted.c.person_id)
        .where(
            Person.tree_id == tree_id,
            *within(Person.created_at, period),
            day == day_in(acted.c.at, _dialect(), period),
        )
        .group_by(acted.c.coalition_id, day)
    )
    return [(coalition_id, as_date(d), n) for coalition_id, d, n in rows]
