"""Where personal data lives. Each domain package registers what it keeps about a person (actions:
signatures and letters; assemblies: registrations and testimonies), so privacy can show it, export
it, erase it and expire it without importing those packages — dependencies keep pointing one way.

Most of it is rows about people that are anonymised in place, so whatever counts on them stays
right (a petition's count, an assembly's figures): ``AnonymisedRows`` does that for a table, with
one UPDATE each time — erased for a person, expired for the people of ended actions who gave no
ongoing consent, and stripped of anti-abuse data (IP addresses) once it is old.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, exists, or_, select, update

from organiser.db import db, personal_columns
from organiser.people.models import ConsentState


@dataclass(frozen=True)
class PersonalData:
    name: str  # a stable key: "signatures"
    label: Any  # a (lazy) translated heading: "Petitions you signed"
    # The person's records as plain rows for their own page and their download (label → value).
    collect: Callable[[Any], list[dict[str, Any]]]
    # Remove or irreversibly anonymise them, keeping whatever public counts rely on; returns how many.
    erase: Callable[[Any], int]
    # Retention: anonymise the records of actions in this coalition that closed before the cutoff,
    # of people who gave no ongoing consent; returns how many.
    expire: Callable[[Any, datetime], int] | None = None
    # Anti-abuse data (IP addresses) older than the cutoff: drop or hash it; returns how many.
    minimise: Callable[[datetime], int] | None = None


_sources: dict[str, PersonalData] = {}


def register_personal_data(source: PersonalData) -> None:
    _sources[source.name] = source


def personal_data_sources() -> list[PersonalData]:
    return list(_sources.values())


def blank_of(column: Any) -> Any:
    """What a personal column holds once anonymised: nothing (None) where it may, else empty."""
    if column.nullable:
        return None
    if isinstance(column.type, JSON):
        return {}
    return {str: "", bool: False}[column.type.python_type]


def personal_values(row: Any) -> dict[str, Any]:
    """A row's personal columns (``db.PERSONAL``), as the person's own page and download show them."""
    return {column.key: getattr(row, column.key) for column in personal_columns(type(row))}


@dataclass(frozen=True)
class AnonymisedRows:
    """A table of rows about people (with ``person_id`` and ``created_at``) anonymised in place: its
    columns marked ``info=PERSONAL`` are blanked (``blank_of``), and the row loses its person."""

    model: Any
    action: Any  # the column naming a row's action: ``Signature.petition_id``
    action_id: Any  # the actions' own id column: ``Petition.id``
    abuse_columns: tuple[str, ...] = ("ip",)  # emptied by ``minimise`` once older than the window
    # Also given the rows' condition before they are blanked (a letter's outbox row, say).
    before: Callable[[Any], object] | None = None

    @property
    def blank(self) -> dict[str, Any]:
        """The values that anonymise a row."""
        return {"person_id": None, **{c.key: blank_of(c) for c in personal_columns(self.model)}}

    def anonymise(self, condition: Any) -> int:
        """Blank the rows that match, with one UPDATE; returns how many."""
        if self.before is not None:
            self.before(condition)
        return db.session.execute(
            update(self.model)
            .where(condition)
            .values(**self.blank)
            .execution_options(synchronize_session=False)
        ).rowcount

    def erase(self, person: Any) -> int:
        """The person's rows, anonymised."""
        return self.anonymise(self.model.person_id == person.id)

    def expire(self, *ended: Any) -> int:
        """The rows of the actions that match these conditions (of a coalition, ended before the
        cutoff), of people who gave no ongoing consent to anyone, anonymised."""
        actions = select(self.action_id).where(*ended).scalar_subquery()
        person_id = self.model.person_id
        consenting = exists().where(ConsentState.person_id == person_id, ConsentState.granted)
        return self.anonymise(self.action.in_(actions) & person_id.is_not(None) & ~consenting)

    def minimise(self, cutoff: datetime) -> int:
        """Anti-abuse data (IP addresses) of rows older than the cutoff, emptied."""
        columns = [getattr(self.model, name) for name in self.abuse_columns]
        return db.session.execute(
            update(self.model)
            .where(self.model.created_at < cutoff, or_(*(column != "" for column in columns)))
            .values(dict.fromkeys(self.abuse_columns, ""))
            .execution_options(synchronize_session=False)
        ).rowcount
