"""Segments: who a mailing can go to. Each domain package registers the segments it knows
(a coalition's supporters, a petition's signers, an assembly's registrants…); messaging combines
them, keeps only people whose consent covers the sender, and freezes the list when sending starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, false, func, select, union

from organiser.db import db
from organiser.messaging.models import Mailing, Suppression
from organiser.people.models import ConsentState, ConsentSubject, Person


@dataclass(frozen=True)
class Segment:
    kind: str
    # (coalition) -> [(params, label)]: the concrete choices a coordinator of that coalition sees
    choices: Callable[[Any], list[tuple[dict[str, Any], str]]]
    # (mailing, params) -> SELECT of person ids
    people: Callable[[Mailing, dict[str, Any]], Select[Any]]
    # (organisation) -> [(params, label)]: the choices an organisation's admins see for its own mailings
    organisation_choices: Callable[[Any], list[tuple[dict[str, Any], str]]] | None = None


_segments: dict[str, Segment] = {}


def register_segment(segment: Segment) -> None:
    _segments[segment.kind] = segment


def organisation_segment_choices(organisation: Any) -> list[tuple[str, dict[str, Any], str]]:
    """(kind, params, label) for every segment an organisation may write to (its own supporters)."""
    return [
        (seg.kind, params, label)
        for seg in _segments.values()
        if seg.organisation_choices is not None
        for params, label in seg.organisation_choices(organisation)
    ]


def segment_choices(coalition: Any) -> list[tuple[str, dict[str, Any], str]]:
    """(kind, params, label) for every segment a coordinator of ``coalition`` may choose."""
    return [
        (seg.kind, params, label) for seg in _segments.values() for params, label in seg.choices(coalition)
    ]


def sender_subject(mailing: Mailing) -> tuple[ConsentSubject, int]:
    """Whose consent a recipient must have given: the sending organisation's, else the coalition's."""
    if mailing.organisation_id:
        return ConsentSubject.ORGANISATION, mailing.organisation_id
    return ConsentSubject.COALITION, mailing.coalition_id


def _segment_people(mailing: Mailing) -> Select[Any] | None:
    parts = [
        _segments[spec["kind"]].people(mailing, spec.get("params", {}))
        for spec in mailing.segments
        if spec.get("kind") in _segments
    ]
    if not parts:
        return None
    return select(union(*parts).subquery().c[0])


def consenting_people(mailing: Mailing) -> Select[Any]:
    """People in the mailing's segments whose consent covers its sender (suppressed ones included)."""
    subject_type, subject_id = sender_subject(mailing)
    members = _segment_people(mailing)
    consent = exists().where(
        ConsentState.person_id == Person.id,
        ConsentState.subject_type == subject_type,
        ConsentState.subject_id == subject_id,
        ConsentState.channel == "email",
        ConsentState.granted.is_(True),
    )
    query = select(Person.id, Person.email, Person.name).where(consent)
    if members is None:
        return query.where(false())
    return query.where(Person.id.in_(members))


def is_suppressed_clause() -> Any:
    return exists().where(Suppression.email == Person.email)


def audience_counts(mailing: Mailing) -> tuple[int, int]:
    """(will receive it, suppressed) for the mailing as it stands now."""
    sub = consenting_people(mailing).add_columns(is_suppressed_clause().label("suppressed")).subquery()
    total = db.session.scalar(select(func.count()).select_from(sub)) or 0
    suppressed = (
        db.session.scalar(select(func.count()).select_from(sub).where(sub.c.suppressed.is_(True))) or 0
    )
    return total - suppressed, suppressed
