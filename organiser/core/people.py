"""Supporters (people who act without an account) and the consent ledger that says who may e-mail them.

A person is unique by normalised e-mail within a coalition tree (``tree_id`` is the id of the
top-level alliance). Every consent given or withdrawn is an append-only ``ConsentEvent``; the
current answer for each (person, who may contact them, channel) is kept in ``ConsentState``,
written in the same transaction, so audiences are one indexed join away.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from organiser.core.models import normalise_email
from organiser.db import Base, db, dialect_insert, utcnow


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("tree_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsentSubject(enum.StrEnum):
    """Who the person agreed may contact them."""

    COALITION = "coalition"
    ORGANISATION = "organisation"


class ConsentEvent(Base):
    """One consent given or withdrawn, with the wording shown and where it came from. Never updated."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[ConsentSubject] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    given: Mapped[bool] = mapped_column()
    wording: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(
        String(200), default=""
    )  # the form or API call, or how it was withdrawn
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsentState(Base):
    """The current answer derived from the ledger: may (subject) contact (person) on (channel)?"""

    __tablename__ = "consent_states"
    __table_args__ = (
        UniqueConstraint("person_id", "subject_type", "subject_id", "channel"),
        Index("ix_consent_states_audience", "subject_type", "subject_id", "channel", "granted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    subject_type: Mapped[ConsentSubject] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    granted: Mapped[bool] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
