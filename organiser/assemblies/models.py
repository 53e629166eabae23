"""Assemblies (people's assemblies, tribunals, meetings) and the registrations people make for them.

Testimonies, panels, verdicts and demands will hang off ``Assembly`` the same way registrations do
(a foreign key to ``assemblies.id``); nothing here needs to change for them.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.coalitions.models import Coalition, Organisation
from organiser.core.models import Role
from organiser.db import PERSONAL, Base, as_utc, utcnow
from organiser.people.models import Person


class AssemblyKind(enum.StrEnum):
    PEOPLES_ASSEMBLY = "peoples_assembly"
    TRIBUNAL = "tribunal"
    MEETING = "meeting"


class AssemblyStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


assembly_hosts = Table(
    "assembly_hosts",
    Base.metadata,
    Column("assembly_id", ForeignKey("assemblies.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class Assembly(Base):
    """A people's assembly, tribunal or meeting a coalition holds; times are stored in UTC and shown
    in the assembly's own IANA time zone."""

    __tablename__ = "assemblies"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AssemblyKind] = mapped_column(String(20), default=AssemblyKind.PEOPLES_ASSEMBLY)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64))  # IANA, like Africa/Lusaka
    venue: Mapped[str] = mapped_column(Text, default="")
    # Shown only to confirmed registrants (their mail, their own page), never on the public page.
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    accessibility: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AssemblyStatus] = mapped_column(String(20), default=AssemblyStatus.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    coalition: Mapped[Coalition] = relationship()
    hosts: Mapped[list[Organisation]] = relationship(secondary=assembly_hosts, order_by="Organisation.name")
    agenda: Mapped[list[AgendaItem]] = relationship(
        order_by="(AgendaItem.starts_at, AgendaItem.id)", cascade="all, delete-orphan"
    )
    questions: Mapped[list[RegistrationQuestion]] = relationship(
        order_by="(RegistrationQuestion.position, RegistrationQuestion.id)", cascade="all, delete-orphan"
    )

    def can_manage(self, user: Any) -> bool:
        """The coalition's coordinators (and those above it), and this assembly's organisers."""
        if not user.is_authenticated:
            return False
        return self.coalition.can_manage(user) or user.has_role(Role.ASSEMBLY_ORGANISER, self.id)

    @property
    def name(self) -> str:  # what role grants and invitations call it
        return self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime | None) -> datetime | None:
        """A stored (UTC) time in the assembly's own zone."""
        value = as_utc(moment)
        return value.astimezone(self.zone) if value is not None else None

    @property
    def is_public(self) -> bool:
        return self.status != AssemblyStatus.DRAFT

    def has_ended(self, now: datetime | None = None) -> bool:
        return as_utc(self.ends_at) <= (now or utcnow())

    def registration_state(self, now: datetime | None = None) -> str:
        """ "open", "not_yet" (the window opens later) or "closed" (draft, cancelled, or past the
        window; without a closing time, registration closes when the assembly starts)."""
        now = now or utcnow()
        if self.status != AssemblyStatus.PUBLISHED:
            return "closed"
        opens = as_utc(self.registration_opens_at)
        closes = as_utc(self.registration_closes_at) or as_utc(self.starts_at)
        if opens is not None and now < opens:
            return "not_yet"
        return "open" if now < closes else "closed"


class AgendaItem(Base):
    """One part of an assembly's programme: a time (in UTC, shown in the assembly's zone) and what
    happens then — a welcome, testimonies on a theme, the panel's questions, the vote on demands."""

    __tablename__ = "assembly_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    speakers: Mapped[list[AgendaSpeaker]] = relationship(
        order_by="AgendaSpeaker.id", cascade="all, delete-orphan", lazy="selectin"
    )


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the person to confirm through the e-mailed link
    CONFIRMED = "confirmed"  # holds a place
    WAITLISTED = "waitlisted"  # confirmed, waiting for a place (in order of confirmation)
    CANCELLED = "cancelled"
    ATTENDED = "attended"  # checked in at the door (still holds its place)


# The states that take one of the assembly's places.
PLACE_TAKING = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)


class Registration(Base):
    """One person's registration for one assembly."""

    __tablename__ = "assembly_registrations"
    __table_args__ = (
        UniqueConstraint("assembly_id", "person_id"),
        UniqueConstraint("assembly_id", "check_in_code"),
        Index("ix_assembly_registrations_waitlist", "assembly_id", "status", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"))
    # None once the person is erased: the row stays, anonymised, so the attendance figures stay right.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    email: Mapped[str] = mapped_column(String(320), info=PERSONAL)
    region: Mapped[str] = mapped_column(String(120), default="", info=PERSONAL)
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(60), default="", info=PERSONAL)
    # "Anything else" the person needs (before the needs were structured: everything they wrote).
    access_needs: Mapped[str] = mapped_column(Text, default="", info=PERSONAL)
    # The access needs ticked (``organiser.assemblies.needs``): need → its detail ("" when it has none).
    needs: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}", info=PERSONAL)
    # Answers to the assembly's own questions: the question's id → {"question": its text, "answer": …}.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=PERSONAL)
    # The box ticked when registering; it reaches the consent ledger only at confirmation.
    consent_coalition: Mapped[bool] = mapped_column(default=False, server_default=false(), info=PERSONAL)
    ip: Mapped[str] = mapped_column(String(64), default="", info=PERSONAL)
    check_in_code: Mapped[str | None] = mapped_column(String(12), info=PERSONAL)
    status: Mapped[RegistrationStatus] = mapped_column(String(20), default=RegistrationStatus.PENDING)
    confirmation_sends: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When it was confirmed: the waitlist's order.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assembly: Mapped[Assembly] = relationship()
    person: Mapped[Person | None] = relationship()


# ---- registration forms, speakers and the closing report (issue 13) --------------------------------


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    ONE_CHOICE = "one_choice"
    SEVERAL_CHOICES = "several_choices"
    YES_NO = "yes_no"


class RegistrationQuestion(Base):
    """A question the organisers add to their assembly's registration form, in their order."""

    __tablename__ = "assembly_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    hint: Mapped[str] = mapped_column(String(500), default="")
    required: Mapped[bool] = mapped_column(default=False, server_default=false())
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)  # for one or several choices
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def field_name(self) -> str:
        return f"question_{self.id}"


class AgendaSpeaker(Base):
    """Someone who speaks in a part of the programme: shown publicly, with their organisation."""

    __tablename__ = "assembly_agenda_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("assembly_agenda_items.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClosingReport(Base):
    """What the organisers write once the assembly is over; public once they publish it, with the
    attendance (by region and language) counted from the people checked in."""

    __tablename__ = "assembly_closing_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    media_links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # {"title", "url"}
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
