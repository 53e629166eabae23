"""Letter-writing actions (WriteToThem-style): a campaign, and each writer's letter to each target."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.actions.targets.models import Target
from organiser.coalitions.models import Coalition
from organiser.core.models import User
from organiser.db import PERSONAL, Base, utcnow


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class TargetMode(enum.StrEnum):
    FIXED = "fixed"  # every letter goes to each of the campaign's chosen targets
    REGION = "region"  # the writer picks their region: the coalition's targets with that region


DEFAULT_DAILY_CAP = 50  # personal letters a day to one target, unless the coordinators choose
DEFAULT_DIGEST_HOUR = 17  # the digest of unedited copies goes at 17:00 in the campaign's zone


class LetterCampaign(Base):
    __tablename__ = "letter_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    intro: Mapped[str] = mapped_column(Text, default="")  # why write
    subject: Mapped[str] = mapped_column(String(300))  # suggested; the writer may edit it
    body: Mapped[str] = mapped_column(Text)  # suggested; the writer may edit it
    target_mode: Mapped[TargetMode] = mapped_column(String(20), default=TargetMode.FIXED)
    status: Mapped[CampaignStatus] = mapped_column(String(20), default=CampaignStatus.DRAFT, index=True)
    # Letters confirmed by their writers (one per target): queued, sent or failed. Kept on the row so
    # the public page counts no rows, and so erasing a writer never changes it.
    letter_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Paced delivery (services/pacing.py): personal letters go one by one, at most ``daily_cap`` a day
    # to each target; unedited copies go as one digest per target a day, at ``digest_hour`` o'clock
    # in ``timezone`` (whose calendar also counts the days of the cap).
    daily_cap: Mapped[int] = mapped_column(Integer, default=DEFAULT_DAILY_CAP, server_default="50")
    digest_hour: Mapped[int] = mapped_column(Integer, default=DEFAULT_DIGEST_HOUR, server_default="17")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Replies (``letters.replies``): the public page shows how many writers heard back from each
    # decision-maker, when the coordinators choose so.
    show_responsiveness: Mapped[bool] = mapped_column(default=False)

    coalition: Mapped[Coalition] = relationship()
    targets: Mapped[list[Target]] = relationship(secondary="letter_campaign_targets", order_by="Target.name")

    def can_manage(self, user: Any) -> bool:
        return self.coalition.can_manage(user)

    @property
    def target_ids(self) -> list[int]:
        return [target.id for target in self.targets]

    @property
    def is_public(self) -> bool:
        return self.status != CampaignStatus.DRAFT

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or "UTC")


letter_campaign_targets = Table(
    "letter_campaign_targets",
    Base.metadata,
    Column("campaign_id", ForeignKey("letter_campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("target_id", ForeignKey("targets.id", ondelete="CASCADE"), primary_key=True),
)


class LetterStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the writer to confirm through the e-mailed link
    # Confirmed, waiting to go (services/pacing.py): its turn under the daily cap (personal), the day's
    # digest (unedited), or its target's bounced address to be fixed.
    CONFIRMED = "confirmed"
    QUEUED = "queued"  # in the outbox
    SENT = "sent"  # the outbox row was accepted by the mail server
    FAILED = "failed"  # the outbox gave up on it (or it was cancelled)


COUNTED_STATUSES = (LetterStatus.QUEUED, LetterStatus.SENT, LetterStatus.FAILED, LetterStatus.CONFIRMED)


class LetterKind(enum.StrEnum):
    """Set when a letter is confirmed (services/pacing.py ``kind_of``); a ``confirmed`` letter waits:
    a personal one for its turn under the daily cap, an unedited one for the day's digest, either
    for its target's address to be fixed."""

    PERSONAL = "personal"  # the writer changed the suggested letter meaningfully: delivered on its own
    UNEDITED = "unedited"  # (nearly) the suggested letter: one of the day's digest to its target


class Letter(Base):
    """One writer's letter to one target of a campaign (one per person, campaign and target)."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("campaign_id", "person_id", "target_id"),
        Index("ix_letters_campaign_ip", "campaign_id", "ip", "created_at"),
        Index("ix_letters_pacing", "campaign_id", "status", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), index=True
    )
    # None once the person is erased: the row stays, anonymised, so the totals stay right.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    region: Mapped[str] = mapped_column(String(200), default="", info=PERSONAL)
    country: Mapped[str | None] = mapped_column(String(2), info=PERSONAL)
    subject: Mapped[str] = mapped_column(String(300), info=PERSONAL)
    body: Mapped[str] = mapped_column(Text, info=PERSONAL)
    # The consent box, recorded in the ledger only once the letter is confirmed (double opt-in).
    consent_coalition: Mapped[bool] = mapped_column(default=False, info=PERSONAL)
    ip: Mapped[str] = mapped_column(String(64), default="", info=PERSONAL)
    email_domain: Mapped[str] = mapped_column(String(255), default="", info=PERSONAL)
    status: Mapped[LetterStatus] = mapped_column(String(20), default=LetterStatus.PENDING, index=True)
    confirmation_sends: Mapped[int] = mapped_column(Integer, default=0)
    # The outbox row that carries it to the target: its status tells whether it was sent.
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    kind: Mapped[LetterKind | None] = mapped_column(String(20))  # set when confirmed
    # The day, on the campaign's calendar, it was put in the outbox (alone, or in that day's digest):
    # what the daily cap counts.
    delivered_on: Mapped[date | None] = mapped_column(Date)

    campaign: Mapped[LetterCampaign] = relationship()
    target: Mapped[Target | None] = relationship()


class LetterCampaignChange(Base):
    """One save of a campaign's edit page that changed something: who, when, and each changed field's
    old and new value (``{"title": ["old", "new"], "targets": [["A"], ["A", "B"]]}``; decision-makers
    by name, as the coordinators saw them)."""

    __tablename__ = "letter_campaign_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
