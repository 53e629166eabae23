"""Petitions and their signatures (letters come later in this package)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.coalitions.models import Coalition
from organiser.core.people import Person
from organiser.db import Base, utcnow


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

    coalition: Mapped[Coalition] = relationship()

    def can_manage(self, user: Any) -> bool:
        return self.coalition.can_manage(user)

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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    comment: Mapped[str] = mapped_column(Text, default="")
    public_name: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(80), default="")
    utm_source: Mapped[str] = mapped_column(String(120), default="")
    utm_medium: Mapped[str] = mapped_column(String(120), default="")
    utm_campaign: Mapped[str] = mapped_column(String(120), default="")
    referrer: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    confirmation_sends: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[SignatureState] = mapped_column(
        String(20), default=SignatureState.PENDING, server_default=SignatureState.PENDING
    )
    email_domain: Mapped[str] = mapped_column(String(255), default="", server_default="")
    invalidation_id: Mapped[int | None] = mapped_column(
        ForeignKey("signature_invalidations.id", ondelete="SET NULL"), index=True
    )

    petition: Mapped[Petition] = relationship()
    person: Mapped[Person] = relationship()


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
