"""Petitions, their signatures, sponsors, milestones, invalidations and deliveries."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.actions.sponsorship.models import SponsorshipColumns
from organiser.actions.sponsorship.models import SponsorStatus as SponsorStatus  # re-exported
from organiser.actions.targets.models import Target
from organiser.coalitions.models import Coalition
from organiser.db import PERSONAL, Base, utcnow
from organiser.people.models import Person


class PetitionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    DELIVERED = "delivered"


class Petition(Base):
    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    ask: Mapped[str] = mapped_column(Text)
    background: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(String(300), default="")  # who decides; Target records come later
    goal: Mapped[int] = mapped_column(Integer, default=1000)
    close_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[PetitionStatus] = mapped_column(String(20), default=PetitionStatus.DRAFT, index=True)
    public_signers: Mapped[bool] = mapped_column(default=True)
    # Confirmed signatures. Kept on the row so pages and count.json never count rows.
    signature_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Signature counts at which coordinators and sponsors are told (the goal always is one).
    milestones: Mapped[list[int]] = mapped_column(JSON, default=list, server_default=text("'[]'"))

    coalition: Mapped[Coalition] = relationship()
    targets: Mapped[list[Target]] = relationship(secondary="petition_targets", order_by="Target.name")

    def can_manage(self, user: Any) -> bool:
        return self.coalition.can_manage(user)

    @property
    def shows_signers(self) -> bool:
        """Whether signers' names may be shown or handed on: the petition's public signer list is on
        and its coalition (or an alliance above it) is not marked sensitive."""
        return self.public_signers and not any(c.sensitive for c in self.coalition.lineage())

    @property
    def is_public(self) -> bool:
        return self.status != PetitionStatus.DRAFT


class SignatureState(enum.StrEnum):
    """Where a signature stands. Only ``counted`` ones are in ``Petition.signature_count``;
    ``confirmed`` ones are waiting for the count job (see organiser/actions/counting.py)."""

    PENDING = "pending"  # waiting for the person to confirm through the e-mailed link
    CONFIRMED = "confirmed"  # confirmed, not yet added to the petition's count
    COUNTED = "counted"  # confirmed and in the count
    OVER_LIMIT = "over_limit"  # signed over a rate limit: kept, never e-mailed, never counted
    INVALIDATED = "invalidated"  # taken out by a coordinator's bulk invalidation (reversible)


# Confirmed and not taken out: what counts, and what reports, exports to sponsors and deliveries show.
VALID_STATES = (SignatureState.CONFIRMED, SignatureState.COUNTED)


class Signature(Base):
    """One person's signature on one petition; it counts once confirmed through the e-mailed link."""

    __tablename__ = "signatures"
    __table_args__ = (
        UniqueConstraint("petition_id", "person_id"),
        # The count job and its sweep look only for confirmed, not yet counted signatures: a small
        # partial index (rows leave it as soon as they are counted).
        Index(
            "ix_signatures_to_count",
            "petition_id",
            postgresql_where=text("state = 'confirmed'"),
            sqlite_where=text("state = 'confirmed'"),
        ),
        # Rate limits (database mode), trending addresses and domains, invalidation filters.
        Index("ix_signatures_petition_ip", "petition_id", "ip", "created_at"),
        Index("ix_signatures_petition_domain", "petition_id", "email_domain", "created_at"),
        # Counted signatures not yet placed in an area (petitions.support): rows leave it once placed.
        Index(
            "ix_signatures_to_place",
            "petition_id",
            postgresql_where=text("state = 'counted' AND area IS NULL"),
            sqlite_where=text("state = 'counted' AND area IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    # None once the person is erased: the row stays, anonymised, so the counts stay right.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    region: Mapped[str] = mapped_column(String(120), default="", info=PERSONAL)
    country: Mapped[str | None] = mapped_column(String(2))
    comment: Mapped[str] = mapped_column(Text, default="", info=PERSONAL)
    public_name: Mapped[bool] = mapped_column(default=False, info=PERSONAL)
    # The consent boxes ticked when signing; recorded in the consent ledger only once the signature
    # is confirmed through the e-mailed link (double opt-in covers consent too).
    consent_coalition: Mapped[bool] = mapped_column(default=False, server_default=false())
    consent_sponsor: Mapped[bool] = mapped_column(default=False, server_default=false())
    source: Mapped[str] = mapped_column(String(80), default="")
    # The accepted co-sponsor whose tracking code brought the signer, kept so attribution survives
    # a change of code.
    sponsor_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    utm_source: Mapped[str] = mapped_column(String(120), default="", info=PERSONAL)
    utm_medium: Mapped[str] = mapped_column(String(120), default="", info=PERSONAL)
    utm_campaign: Mapped[str] = mapped_column(String(120), default="", info=PERSONAL)
    referrer: Mapped[str] = mapped_column(String(500), default="", info=PERSONAL)
    ip: Mapped[str] = mapped_column(String(64), default="", info=PERSONAL)
    confirmation_sends: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[SignatureState] = mapped_column(
        String(20), default=SignatureState.PENDING, server_default=SignatureState.PENDING
    )
    email_domain: Mapped[str] = mapped_column(String(255), default="", server_default="", info=PERSONAL)
    invalidation_id: Mapped[int | None] = mapped_column(
        ForeignKey("signature_invalidations.id", ondelete="SET NULL"), index=True
    )
    # The area the signature counts in on the petition's page ("where support comes from"), found
    # from ``region`` by the count job (petitions.support.placing); None until then, "" for none.
    # Not personal: a coarse area, kept when the signer is erased so the figures stay right.
    area: Mapped[str | None] = mapped_column(String(40))

    petition: Mapped[Petition] = relationship()
    person: Mapped[Person | None] = relationship()


# ---- decision-makers, deliveries and their responses ----------------------------------------------


petition_targets = Table(
    "petition_targets",
    Base.metadata,
    Column("petition_id", ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True),
    Column("target_id", ForeignKey("targets.id", ondelete="CASCADE"), primary_key=True),
)


class PetitionDelivery(Base):
    """A closed petition handed to its targets: who did it, when, at what count, to whom, saying what."""

    __tablename__ = "petition_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    delivered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    signature_count: Mapped[int] = mapped_column(Integer)
    public_signer_count: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    # The targets as they were when delivered (id, name, role, body, email): kept if a target is removed.
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class PetitionSponsor(SponsorshipColumns, Base):
    """A member organisation invited to co-sponsor a petition; once it accepts, its tracking code
    (``/petitions/<slug>?source=<code>``) attributes signatures to it (``actions.sponsorship``)."""

    __tablename__ = "petition_sponsors"
    __table_args__ = (
        UniqueConstraint("petition_id", "organisation_id"),
        UniqueConstraint("petition_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)

    petition: Mapped[Petition] = relationship()


class PetitionMilestone(Base):
    """A signature count a petition has reached; the unique key makes sure people are told once."""

    __tablename__ = "petition_milestones"
    __table_args__ = (UniqueConstraint("petition_id", "threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    threshold: Mapped[int] = mapped_column(Integer)
    reached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    notified: Mapped[bool] = mapped_column(default=True)  # False: already passed when it was set


class Invalidation(Base):
    """A coordinator's bulk invalidation of a petition's signatures by filter; it can be reverted."""

    __tablename__ = "signature_invalidations"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    # {"domain": ..., "ip": ..., "since": ISO time, "until": ISO time}: what was matched
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    matched: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reverted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reverted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
