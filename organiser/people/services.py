"""Finding and recording supporters, and their consent (the ledger and its current answer)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from organiser.core.models import normalise_email
from organiser.db import db, dialect_insert, utcnow
from organiser.people.models import ConsentEvent, ConsentState, ConsentSubject, Person

_DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def supporter_email(email: str) -> str:
    """The address that identifies a supporter: lower case; at Gmail, dots and +tags dropped
    (they reach the same mailbox, so they must not let one person sign twice)."""
    address = normalise_email(email)
    local, _at, domain = address.rpartition("@")
    if domain in _DOTLESS_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def upsert_person(tree_id: int, email: str, **fields: str | None) -> Person:
    """The person with this address in this coalition tree, created or updated with ``fields``."""
    address = supporter_email(email)
    person = db.session.scalar(select(Person).where(Person.tree_id == tree_id, Person.email == address))
    if person is None:
        person = Person(tree_id=tree_id, email=address)
        db.session.add(person)
    for key, value in fields.items():
        if value:
            setattr(person, key, value)
    db.session.flush()
    return person


def record_consent(
    person: Person,
    subject_type: ConsentSubject,
    subject_id: int,
    *,
    given: bool,
    wording: str = "",
    source: str = "",
    channel: str = "email",
) -> ConsentEvent:
    """Append to the ledger and bring the current state in line with it."""
    event = ConsentEvent(
        person_id=person.id,
        subject_type=subject_type,
        subject_id=subject_id,
        channel=channel,
        given=given,
        wording=wording,
        source=source,
    )
    db.session.add(event)
    state = db.session.scalar(
        select(ConsentState).where(
            ConsentState.person_id == person.id,
            ConsentState.subject_type == subject_type,
            ConsentState.subject_id == subject_id,
            ConsentState.channel == channel,
        )
    )
    if state is None:
        state = ConsentState(
            person_id=person.id, subject_type=subject_type, subject_id=subject_id, channel=channel
        )
        db.session.add(state)
    state.granted, state.updated_at = given, utcnow()
    db.session.flush()
    return event


def has_consent(
    person_id: int, subject_type: ConsentSubject, subject_id: int, channel: str = "email"
) -> bool:
    return bool(
        db.session.scalar(
            select(ConsentState.granted).where(
                ConsentState.person_id == person_id,
                ConsentState.subject_type == subject_type,
                ConsentState.subject_id == subject_id,
                ConsentState.channel == channel,
            )
        )
    )


def person_id_for(tree_id: int, address: str, fields: dict[str, Any]) -> int:
    """The id of the person with this (normalised) address in the tree; a new one starts from
    ``fields``, a known one is left as it is (only a confirmation may change it)."""
    fields = {key: value for key, value in fields.items() if value}
    statement = dialect_insert(Person)
    if statement is None:
        person = db.session.scalar(select(Person).where(Person.tree_id == tree_id, Person.email == address))
        if person is None:
            person = Person(tree_id=tree_id, email=address, **fields)
            db.session.add(person)
            db.session.flush()
        return person.id
    statement = statement.values(tree_id=tree_id, email=address, **fields).on_conflict_do_update(
        index_elements=[Person.tree_id, Person.email],
        set_={"email": statement.excluded.email},  # a no-op update, so RETURNING answers
    )
    return db.session.execute(statement.returning(Person.id)).scalar_one()
