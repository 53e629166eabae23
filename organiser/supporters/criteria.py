"""The supporters list's filters as one value (``Criteria``), and the SQL conditions on ``people``
they stand for. The list, its count, the export, tagging everyone it matches and a saved segment
all use the same conditions, always on top of what the viewer may see (``scope.in_view``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, union, union_all

from organiser.db import utcnow
from organiser.people.activity import activity_source, activity_sources
from organiser.people.models import ConsentSubject, Person, PersonTag
from organiser.supporters.scope import Viewer, agrees_to_hear_from, in_view

MAX_ACTIVE_DAYS = 3650


@dataclass(frozen=True)
class Criteria:
    q: str = ""  # part of the name or the address
    action: str = ""  # "petition" (any), "petition:12" (that one); "letters…", "assembly…"
    consent: str = ""  # "coalition:3", "organisation:7": agrees today to hear from them
    country: str = ""
    region: str = ""  # part of the region
    language: str = ""
    tag: int | None = None
    joined_from: date | None = None
    joined_to: date | None = None
    active_days: int | None = None  # took an action (or joined) in the last so many days

    @property
    def empty(self) -> bool:
        return not self.params()

    def params(self) -> dict[str, str]:
        """The filters that are set, as the list's address and a saved segment carry them."""
        values = {name: value for name, value in asdict(self).items() if value not in ("", None)}
        return {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in values.items()
        }

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Criteria:
        """Criteria from ``params()`` as a saved segment keeps them; anything unreadable is left out
        of the filter that reads it, which then matches nobody rather than everybody."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = params.get(field.name)
            if raw in (None, ""):
                continue
            values[field.name] = _read(field.name, str(raw))
        return cls(**values)


def _read(name: str, raw: str) -> Any:
    if name in ("tag", "active_days"):
        return int(raw) if raw.isdecimal() and len(raw) < 10 else -1
    if name in ("joined_from", "joined_to"):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return date.max if name == "joined_from" else date.min
    return raw


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _action(viewer: Viewer, value: str) -> ColumnElement[bool]:
    kind, _sep, action_id = value.partition(":")
    source = activity_source(kind)
    if source is None or (action_id and not action_id.isdecimal()):
        return false()
    return Person.id.in_(source.people(viewer.coalition_ids, int(action_id) if action_id else None))


def _consent(value: str) -> ColumnElement[bool]:
    kind, _sep, subject_id = value.partition(":")
    if kind not in (ConsentSubject.COALITION, ConsentSubject.ORGANISATION) or not subject_id.isdecimal():
        return false()
    return agrees_to_hear_from(ConsentSubject(kind), [int(subject_id)])


def activity(viewer: Viewer, since: datetime | None = None) -> Any:
    """(person_id, at) of every act in the viewer's coalitions, and each person's joining."""
    parts = [source.moments(viewer.coalition_ids) for source in activity_sources()]
    parts.append(
        select(Person.id.label("person_id"), Person.created_at.label("at")).where(
            Person.tree_id == viewer.root.id
        )
    )
    moments = union_all(*parts).subquery()
    if since is None:
        return moments
    return select(moments.c.person_id).where(moments.c.at >= since)


def _active_since(viewer: Viewer, days: int, now: datetime) -> ColumnElement[bool]:
    if not 0 < days <= MAX_ACTIVE_DAYS:
        return false()
    return Person.id.in_(select(union(activity(viewer, now - timedelta(days=days))).subquery().c[0]))


def conditions(viewer: Viewer, criteria: Criteria, now: datetime | None = None) -> list[ColumnElement[bool]]:
    """Everything ``criteria`` asks, within what ``viewer`` may see."""
    found = in_view(viewer)
    if criteria.q:
        needle = criteria.q.lower()
        found.append(
            or_(
                func.lower(Person.name).contains(needle, autoescape=True),
                Person.email.contains(needle, autoescape=True),
            )
        )
    if criteria.action:
        found.append(_action(viewer, criteria.action))
    if criteria.consent:
        found.append(_consent(criteria.consent))
    if criteria.country:
        found.append(Person.country == criteria.country)
    if criteria.region:
        found.append(func.lower(Person.region).contains(criteria.region.lower(), autoescape=True))
    if criteria.language:
        found.append(func.lower(Person.language) == criteria.language.lower())
    if criteria.tag is not None:
        found.append(Person.id.in_(select(PersonTag.person_id).where(PersonTag.tag_id == criteria.tag)))
    if criteria.joined_from is not None:
        found.append(Person.created_at >= _day_start(criteria.joined_from))
    if criteria.joined_to is not None:
        last = min(criteria.joined_to, date.max - timedelta(days=1))
        found.append(Person.created_at < _day_start(last + timedelta(days=1)))
    if criteria.active_days is not None:
        found.append(_active_since(viewer, criteria.active_days, now or utcnow()))
    return found


def matching_ids(viewer: Viewer, criteria: Criteria) -> Any:
    """SELECT of the ids of the people ``criteria`` matches in ``viewer``'s view."""
    return select(Person.id).where(*conditions(viewer, criteria))
