"""The outbox (one row per e-mail to send), mailings, suppressions and bounce events.

The database, not Redis, is the ledger of record: a message exists as a row before any job
names it, and its row says whether it was sent.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from organiser.db import Base, utcnow


class MailStream(enum.StrEnum):
    """Transactional mail (confirmations, password links) has its own queue ahead of bulk mail."""

    TRANSACTIONAL = "transactional"
    BULK = "bulk"


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    CANCELLED = "cancelled"


class MailingStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    SENT = "sent"
    CANCELLED = "cancelled"


class Mailing(Base):
    """A message from a coalition (or one of its organisations) to a segment of its supporters."""

    __tablename__ = "mailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"), index=True)
    # When set, the organisation sends it: only people who agreed to hear from it receive it.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(300))
    body_markdown: Mapped[str] = mapped_column(Text)
    from_name: Mapped[str] = mapped_column(String(200))
    reply_to: Mapped[str] = mapped_column(String(320), default="")
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[MailingStatus] = mapped_column(String(20), default=MailingStatus.DRAFT, index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recipient_total: Mapped[int | None] = mapped_column(Integer)  # frozen when sending starts
    paused_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def can_manage(self, user: Any) -> bool:
        """Whether ``user`` may open, change and send it: the owning package decides
        (``organiser.messaging.owners``)."""
        from organiser.messaging.owners import can_manage

        return can_manage(self, user)

    @property
    def editable(self) -> bool:
        return self.status in (MailingStatus.DRAFT, MailingStatus.SCHEDULED)


class MailingOutcome(Base):
    """How a sent mailing fared, for the desk (``figures.recent_mailings``). Once a mailing is sent,
    how many messages went or failed is final and kept here; its unsubscribes and bounces are
    counted afresh until its window closes (``figures.WINDOW`` after its end), then kept (``final``)."""

    __tablename__ = "mailing_outcomes"

    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"), primary_key=True)
    sent: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    unsubscribed: Mapped[int] = mapped_column(Integer)
    bounced: Mapped[int] = mapped_column(Integer)
    complaints: Mapped[int] = mapped_column(Integer)
    final: Mapped[bool] = mapped_column(default=False)
    counted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_mailing_status", "mailing_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stream: Mapped[MailStream] = mapped_column(String(20), default=MailStream.TRANSACTIONAL)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    sender: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # A mailing's rows carry no body: it is rendered from the mailing when sent.
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(String(20), default=OutboxStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    smtp_reply: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a delivery job was last queued for it: the sweeper re-queues only rows whose job is
    # overdue (Redis lost it, or its worker died), not every row still waiting its turn.
    handed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxAttachment(Base):
    """A file sent with one outbox message (a petition delivery's CSV of signers). Rare, so kept in a
    table of its own: the outbox row, and the fast path that builds most messages, stay as they were."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SuppressionReason(enum.StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    ERASED = "erased"  # the person asked to be erased: ``email`` holds a salted hash, not the address


class Suppression(Base):
    """An address that gets no bulk mail from anyone on this platform, and why."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    reason: Mapped[SuppressionReason] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BounceKind(enum.StrEnum):
    HARD = "hard"
    SOFT = "soft"
    COMPLAINT = "complaint"


class MailEvent(Base):
    """A bounce or complaint reported by the relay (webhook) or imported (CLI)."""

    __tablename__ = "mail_events"
    __table_args__ = (Index("ix_mail_events_email_kind", "email", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[BounceKind] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40), default="webhook")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
