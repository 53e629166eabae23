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
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.actions.sponsorship.models import SponsorshipColumns
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
    # The suggested letters are its versions (``LetterVersion``); whether writers may change the one
    # they choose, or send it as it is (then it is always an unedited copy, for pacing).
    writers_may_edit: Mapped[bool] = mapped_column(default=True, server_default=true())
    target_mode: Mapped[TargetMode] = mapped_column(String(20), default=TargetMode.FIXED)
    status: Mapped[CampaignStatus] = mapped_column(String(20), default=CampaignStatus.DRAFT, index=True)
    # Letters confirmed by their writers (one per target): queued, sent or failed. Kept on the row so
    # the public page counts no rows, and so erasing a writer never changes it.
    letter_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When it closes by itself (UTC; typed in its time zone): the public form refuses letters from then
    # on, and the sweep (or the first request after it) closes it (services/closing.py).
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
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
    # Every version, the archived ones too (letters were written with them), in their order.
    versions: Mapped[list[LetterVersion]] = relationship(
        order_by=lambda: [LetterVersion.position, LetterVersion.id],
        back_populates="campaign",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def live_versions(self) -> list[LetterVersion]:
        """The versions writers choose from, in their order (the first is the one shown first)."""
        return [version for version in self.versions if version.archived_at is None]

    def version(self, version_id: Any) -> LetterVersion | None:
        """One of the live versions, by its id as a form sends it (anything else: None)."""
        return next((v for v in self.live_versions if str(v.id) == str(version_id or "")), None)

    def _first_version(self) -> LetterVersion:
        live = self.live_versions
        if live:
            return live[0]
        version = LetterVersion(position=1, label="", subject="", body="")
        self.versions.append(version)
        return version

    # The first version's words, as one suggested letter: what a campaign made in one go (a demand's
    # launch, the demo, a test) sets, and what reads as "the" suggested letter.
    @property
    def subject(self) -> str:
        live = self.live_versions
        return live[0].subject if live else ""

    @subject.setter
    def subject(self, value: str) -> None:
        self._first_version().subject = value

    @property
    def body(self) -> str:
        live = self.live_versions
        return live[0].body if live else ""

    @body.setter
    def body(self, value: str) -> None:
        self._first_version().body = value

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


class LetterVersion(Base):
    """One suggested letter of a campaign: a subject and a body, in which ``{{ name }}`` and
    ``{{ area }}`` become each writer's name and area (``services.versions.fill``), and a short
    label the writer chooses it by. A version letters were written with never changes or goes:
    changing or removing it archives it (``archived_at``), so each letter keeps the words it
    started from (what pacing compares it with, and what the digest shows once)."""

    __tablename__ = "letter_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=1)
    label: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[LetterCampaign] = relationship(back_populates="versions")


class LetterSponsor(SponsorshipColumns, Base):
    """A member organisation invited to co-sponsor a letter campaign; once it accepts, its tracking
    code (``/letters/<slug>?source=<code>``) attributes letters to it (``actions.sponsorship``)."""

    __tablename__ = "letter_sponsors"
    __table_args__ = (
        UniqueConstraint("campaign_id", "organisation_id"),
        UniqueConstraint("campaign_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), index=True
    )

    campaign: Mapped[LetterCampaign] = relationship()


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
    # The consent boxes, recorded in the ledger only once the letter is confirmed (double opt-in): the
    # coalition's, and that of the co-sponsor whose tracking link brought the writer.
    consent_coalition: Mapped[bool] = mapped_column(default=False, info=PERSONAL)
    consent_sponsor: Mapped[bool] = mapped_column(default=False, server_default=false(), info=PERSONAL)
    # The suggested letter the writer started from. Its key (and the sponsor's) refuses the delete of
    # what it names, rather than setting itself to NULL: a version letters name is archived, never
    # deleted (a campaign's delete takes its letters with its versions), and organisations are not
    # deleted. (SQLite could only be given these keys inside the columns' own definitions, where it
    # keeps no ON DELETE that the migrations' check can read back.)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("letter_versions.id"), index=True)
    # Where the writer came from, as a signature keeps it: the tracking code (``?source=``), the
    # accepted co-sponsor it belongs to (kept so attribution survives), utm fields and the referrer.
    source: Mapped[str] = mapped_column(String(80), default="", server_default="")
    sponsor_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    utm_source: Mapped[str] = mapped_column(String(120), default="", server_default="", info=PERSONAL)
    utm_medium: Mapped[str] = mapped_column(String(120), default="", server_default="", info=PERSONAL)
    utm_campaign: Mapped[str] = mapped_column(String(120), default="", server_default="", info=PERSONAL)
    referrer: Mapped[str] = mapped_column(String(500), default="", server_default="", info=PERSONAL)
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
    version: Mapped[LetterVersion | None] = relationship()


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
