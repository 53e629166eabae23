"""Supporters (people who act: sign, write, register, testify; never users) and the consent ledger:
who may e-mail them, the wording they saw, when, and how they withdrew. Below messaging: it is
what mail is sent to."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from organiser.db import PERSONAL, Base, utcnow


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("tree_id", "email"),
        # The supporters list: a tree's people, newest first, a page at a time.
        Index("ix_people_tree_joined", "tree_id", "created_at"),
    )

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


# ---- what coordinators add: tags and notes ------------------------------------------------------


class Tag(Base):
    """A label coordinators put on supporters ("volunteer", "spoke in Leeds"). It lives in one coalition
    tree (the alliance and its chapters share their people) and was made in one of its coalitions:
    that coalition's pages, the alliance's above it and the chapters' below it use it."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("tree_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PersonTag(Base):
    """A tag on a person (at most once: putting it on again changes nothing)."""

    __tablename__ = "person_tags"

    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PersonNote(Base):
    """A note a coordinator wrote about a supporter, seen by the coordinators of the coalition it was
    written in (and of the alliance above it). Part of the person's data: shown on their own data page,
    erased with them."""

    __tablename__ = "person_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, info=PERSONAL)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
