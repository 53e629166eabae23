"""Webhooks: the HTTPS addresses an organisation or a coalition registered for chosen events, where
each webhook has read up to (one cursor per kind of event), and each delivery with its attempts.

A delivery row holds no personal data: only which row it reports (``kind`` and ``source_id``). The
payload is built from that row when it is sent, so an erased person is never sent, and an
organisation's webhook is never sent a person who withdrew their consent to it in between.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organiser.coalitions.models import Coalition, Organisation
from organiser.db import Base, utcnow
from organiser.people.models import ConsentEvent


class EventKind(enum.StrEnum):
    """What a webhook may be sent: each is a row that became final (confirmed, or withdrawn)."""

    SIGNATURE = "signature"  # a confirmed petition signature (osdi:signature)
    OUTREACH = "outreach"  # a confirmed letter to a decision-maker (osdi:outreach)
    ATTENDANCE = "attendance"  # a confirmed assembly registration (osdi:attendance)
    UNSUBSCRIBE = "unsubscribe"  # a consent to the coalition or organisation withdrawn
    TEST = "test"  # "send a test" on the webhooks page


SUBSCRIBABLE = (EventKind.SIGNATURE, EventKind.OUTREACH, EventKind.ATTENDANCE, EventKind.UNSUBSCRIBE)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # to be sent (again) at ``next_attempt_at``
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt failed: not tried again
    DROPPED = "dropped"  # what it reported is gone (erased, consent withdrawn, webhook disabled)


class Webhook(Base):
    """An address that receives signed JSON posts for chosen events; owned by a coalition (its
    coordinators) or by an organisation (its admins), never both."""

    __tablename__ = "webhooks"
    __table_args__ = (
        CheckConstraint("(coalition_id IS NULL) <> (organisation_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int | None] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Signs each delivery (HMAC-SHA256). Kept as is, because signing needs it; shown once, when made.
    secret: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    coalition: Mapped[Coalition | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def owner(self) -> Coalition | Organisation:
        owner = self.coalition or self.organisation
        assert owner is not None
        return owner


class WebhookCursor(Base):
    """How far a webhook has read one kind of event: the last row taken, by (time, id). A new
    webhook starts at the moment it was made; it is not sent what happened before."""

    __tablename__ = "webhook_cursors"

    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[EventKind] = mapped_column(String(20), primary_key=True)
    after_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    after_id: Mapped[int] = mapped_column(Integer, default=0)


class WebhookDelivery(Base):
    """One event for one webhook: its idempotency key stays the same over every attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "kind", "source_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_recent", "webhook_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(Integer)  # the row reported; None for a test
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[DeliveryStatus] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When it is due; while a job has it, the end of the job's lease (then it is handed out again).
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    webhook: Mapped[Webhook] = relationship()


class WebhookAttempt(Base):
    """One try at sending a delivery: when, the receiver's status code (None: no answer) and why it
    failed, in words for the webhooks page."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


# The sweep reads each action's newly confirmed rows by (confirmed_at, id) within the actions it may
# see: on PostgreSQL the desk's partial indexes (migration 0030: (petition, confirmed_at) of counted
# signatures, the same of letters) and ix_assembly_registrations_waitlist keep that a short range
# read however many rows an action has (their conditions written as those indexes' WHERE:
# ``organiser.web.tallies.one_of``). Withdrawn consents need one of their own, declared here and
# created by this package's migration.
Index(
    "ix_consent_events_subject_time",
    ConsentEvent.subject_type,
    ConsentEvent.subject_id,
    ConsentEvent.created_at,
)
