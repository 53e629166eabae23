"""What the coordinators' desk may ask of supporters: how many people are new, per day. Counted by
the database; plain values (``organiser.web.tallies``).

A person is new on the day their record was created in the coalition tree: the first time they
acted (signed, wrote, registered) in any of its coalitions, or were added to it. A chapter's new
supporters are the tree's new people who acted in that chapter in the same period (``new_among``):
someone who acted in two chapters is new to both, and once to the alliance. On PostgreSQL the
index ``ix_people_tree_created_desk`` (migration 0030) answers these counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, union

from organiser.db import db
from organiser.people.models import Person
from organiser.web.periods import Period, as_date, day_of
from organiser.web.tallies import DayCount


def _day(span: Period) -> Any:
    return day_of(Person.created_at, db.session.get_bind().dialect.name, span.zone, span.start, span.end)


def _created(tree_id: int, span: Period) -> list[Any]:
    return [Person.tree_id == tree_id, Person.created_at >= span.start, Person.created_at < span.end]


def new_in_tree(tree_id: int, span: Period) -> list[DayCount]:
    """(tree, day, people created that day in the tree) over ``span``."""
    day = _day(span)
    rows = db.session.execute(select(day, func.count()).where(*_created(tree_id, span)).group_by(day))
    return [(tree_id, as_date(d), n) for d, n in rows]


def new_among(tree_id: int, actors: Sequence[Any], span: Period) -> list[DayCount]:
    """(coalition, day, new people) over ``span``: the tree's people created that day who are among
    ``actors``, queries of (coalition_id, person_id) from the packages that know what people do."""
    if not actors:
        return []
    acted = union(*actors).subquery()
    day = _day(span)
    rows = db.session.execute(
        select(acted.c.coalition_id, day, func.count())
        .join(Person, Person.id == acted.c.person_id)
        .where(*_created(tree_id, span))
        .group_by(acted.c.coalition_id, day)
    )
    return [(coalition_id, as_date(d), n) for coalition_id, d, n in rows]
