"""Petitions started by supporters: each is an ordinary ``Petition`` (a draft until a coordinator
approves it, then open like any other) with a ``CommunityPetition`` beside it that keeps who started
it, where it stands on its way to publication, and the decisions taken on it; the updates its
creator writes to its signers; and each coalition's settings.

A table beside ``petitions`` rather than columns on it: the petition pages, counts, intake, delivery
and the hub's listings keep working on an ordinary petition, and ``petitions`` itself is not altered
(on SQLite a batch migration would copy the table and drop the old one, cascading to signatures)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.actions.petitions.models import Petition
from organiser.db import PERSONAL, Base, utcnow
from organiser.people.models import Person


class CommunityState(enum.StrEnum):
    PENDING = "pending"  # waiting for its creator to confirm through the e-mailed link
    COLLECTING = "collecting"  # confirmed: gathering its first supporters through a private link
    MODERATION = "moderation"  # enough supporters: waiting for a coordinator's decision
    PUBLISHED = "published"  # approved: the petition is open (then closed, delivered) like any other
    REJECTED = "rejected"  # a coordinator rejected it, with a reason from the published list
    WITHDRAWN = "withdrawn"  # its creator closed it before it was published


# Before publication: the creator may still change its words.
EDITABLE = (CommunityState.PENDING, CommunityState.COLLECTING, CommunityState.MODERATION)
# Supporters may sign through the private link.
GATHERING = (CommunityState.COLLECTING, CommunityState.MODERATION)


class CommunityPetition(Base):
    """Who started a petition, and where it stands on its way to publication."""

    __tablename__ = "community_petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), unique=True)
    # None once the creator is erased: the petition stays, and the links in their e-mails die.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    creator_name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    ip: Mapped[str] = mapped_column(String(64), default="", info=PERSONAL)
    language: Mapped[str] = mapped_column(String(10), default="en")  # their e-mails' language
    # Whether the creator ticked the box to hear from the coalition (recorded when they confirm).
    consent_coalition: Mapped[bool] = mapped_column(default=False)
    state: Mapped[CommunityState] = mapped_column(String(20), default=CommunityState.PENDING, index=True)
    supporters_needed: Mapped[int] = mapped_column(Integer, default=5)
    confirmation_sends: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # into moderation
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str] = mapped_column(String(40), default="")  # a key of REJECTION_REASONS
    rejection_note: Mapped[str] = mapped_column(Text, default="")
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # by its creator

    petition: Mapped[Petition] = relationship()
    person: Mapped[Person | None] = relationship()

    def can_manage(self, user: Any) -> bool:
        return self.petition.can_manage(user)

    @property
    def adopted(self) -> bool:
        return self.adopted_at is not None


class UpdateStatus(enum.StrEnum):
    WAITING = "waiting"  # for a coordinator's approval
    APPROVED = "approved"  # sent, as a mailing of the coalition, to the signers who agreed
    REJECTED = "rejected"


class PetitionUpdate(Base):
    """News its creator writes to a community petition's signers; sent only once a coordinator
    approves it, and then only to the signers who agreed to hear from the coalition."""

    __tablename__ = "petition_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_petitions.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[UpdateStatus] = mapped_column(String(20), default=UpdateStatus.WAITING)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")  # why it was not sent, for its creator
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id", ondelete="SET NULL"))

    community: Mapped[CommunityPetition] = relationship()


class CommunitySettings(Base):
    """A coalition's rules for petitions from supporters; without a row, its alliance's, else the
    platform's (``ORGANISER_COMMUNITY_SUPPORTERS``)."""

    __tablename__ = "community_settings"

    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), primary_key=True
    )
    open_to_supporters: Mapped[bool] = mapped_column(default=True)
    supporters_needed: Mapped[int] = mapped_column(Integer, default=5)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
