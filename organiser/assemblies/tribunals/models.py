"""A people's tribunal's parts, after the Permanent Peoples' Tribunal's procedure: the charges (the
indictment), the testimonies of witnesses, the panel (the jury) and its verdict, charge by charge,
published together as the judgment."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.assemblies.models import Assembly
from organiser.db import PERSONAL, Base, utcnow
from organiser.people.models import Person


class AccusedKind(enum.StrEnum):
    GOVERNMENT = "government"
    COMPANY = "company"
    LENDER = "lender"  # the IMF, the World Bank, a creditor
    OTHER = "other"


class Charge(Base):
    """What is alleged, against whom, and the rights or policies at stake; in the order shown."""

    __tablename__ = "tribunal_charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))  # what is alleged, in one line
    accused: Mapped[str] = mapped_column(String(200))  # against whom
    accused_kind: Mapped[AccusedKind] = mapped_column(String(20), default=AccusedKind.GOVERNMENT)
    at_stake: Mapped[str] = mapped_column(Text, default="")  # rights or policies at stake
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assembly: Mapped[Assembly] = relationship()
    verdict: Mapped[Verdict | None] = relationship(back_populates="charge", uselist=False)


class WitnessKind(enum.StrEnum):
    FRONTLINE = "frontline"  # lives what the charge is about
    EXPERT = "expert"
    OTHER = "other"


class Publication(enum.StrEnum):
    """How the witness lets their testimony be published."""

    NAMED = "named"
    PSEUDONYM = "pseudonym"
    ANONYMOUS = "anonymous"
    NOT_PUBLIC = "not_public"  # for the panel only


class TestimonyStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the witness to confirm through the e-mailed link
    SUBMITTED = "submitted"  # confirmed (or entered by organisers): waiting for moderation
    CHANGES_REQUESTED = "changes_requested"  # the witness was asked to edit it
    APPROVED = "approved"  # public, as its publication allows
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # by the witness, from their own page


class TestimonySource(enum.StrEnum):
    FORM = "form"  # the public form
    ORGANISERS = "organisers"  # entered by organisers (given in person or by voice)


class Testimony(Base):
    """A witness's account. The name, address and pseudonym are personal data and never public
    unless ``publication`` is NAMED (the name) or PSEUDONYM (the pseudonym only)."""

    __tablename__ = "tribunal_testimonies"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), index=True)
    charge_id: Mapped[int | None] = mapped_column(
        ForeignKey("tribunal_charges.id", ondelete="SET NULL"), index=True
    )
    theme: Mapped[str] = mapped_column(String(200), default="")
    # None once the witness is erased (the row stays, blanked, so the counts stay right).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="", info=PERSONAL)
    email: Mapped[str] = mapped_column(String(320), default="", info=PERSONAL)
    pseudonym: Mapped[str] = mapped_column(String(120), default="", info=PERSONAL)
    witness_kind: Mapped[WitnessKind] = mapped_column(String(20), default=WitnessKind.FRONTLINE)
    language: Mapped[str] = mapped_column(String(60), default="")
    account: Mapped[str] = mapped_column(Text, default="", info=PERSONAL)
    publication: Mapped[Publication] = mapped_column(String(20), default=Publication.ANONYMOUS)
    recording_allowed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    safety_risk: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source: Mapped[TestimonySource] = mapped_column(String(20), default=TestimonySource.FORM)
    status: Mapped[TestimonyStatus] = mapped_column(String(20), default=TestimonyStatus.PENDING, index=True)
    # What the organisers asked to change, or why they rejected it (seen by the witness).
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str] = mapped_column(String(64), default="", info=PERSONAL)
    confirmation_sends: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assembly: Mapped[Assembly] = relationship()
    charge: Mapped[Charge | None] = relationship()
    person: Mapped[Person | None] = relationship()
    attachments: Mapped[list[TestimonyAttachment]] = relationship(
        order_by="TestimonyAttachment.id", cascade="all, delete-orphan", back_populates="testimony"
    )


class TestimonyAttachment(Base):
    """An image or PDF given with a testimony, re-encoded by us (never the uploaded bytes)."""

    __tablename__ = "tribunal_testimony_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    testimony_id: Mapped[int] = mapped_column(
        ForeignKey("tribunal_testimonies.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200), default="", info=PERSONAL)
    content_type: Mapped[str] = mapped_column(String(60))
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, info=PERSONAL)
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    testimony: Mapped[Testimony] = relationship(back_populates="attachments")


class PanelRole(enum.StrEnum):
    CHAIR = "chair"
    RAPPORTEUR = "rapporteur"
    MEMBER = "member"


class PanelMember(Base):
    """A member of the tribunal's panel, shown publicly; ``user_id`` is the account (holding the
    assembly panel role) through which they enter the verdict, when they have one."""

    __tablename__ = "tribunal_panel_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[PanelRole] = mapped_column(String(20), default=PanelRole.MEMBER)
    bio: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Finding(enum.StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class Verdict(Base):
    """The panel's finding on one charge, with its reasoning; public once the judgment is."""

    __tablename__ = "tribunal_verdicts"
    __table_args__ = (UniqueConstraint("charge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("tribunal_charges.id", ondelete="CASCADE"))
    finding: Mapped[Finding] = mapped_column(String(20))
    reasoning: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    charge: Mapped[Charge] = relationship(back_populates="verdict")


class Judgment(Base):
    """The verdicts published together, with the date (and the panel's summary)."""

    __tablename__ = "tribunal_judgments"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
