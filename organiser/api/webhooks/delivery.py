"""Deliveries, off the hot path and crash-safe.

Nothing is added to signing, writing or registering. A sweep (every worker's maintenance loop, or the
embedded sweeper) reads, for each enabled webhook and each kind it chose, the rows that became final
since its cursor, and in one transaction creates their delivery rows and moves the cursor on; the jobs
that send them are queued after that commit. Rows are read only once they are ``WEBHOOKS_SETTLE_SECONDS``
old, so a transaction that committed a little late is not stepped over, and the unique (webhook, kind,
row) key makes a second pass harmless.

The database, not Redis, knows what is still to send: a delivery handed to a job is leased for a few
minutes; a job lost with a worker leaves it due again, and the sweep hands it out again. A failed
attempt is tried again after 1 minute, 5, 30, 2 hours and 12 hours; after that it is ``failed``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from organiser.api.webhooks import payloads, sending
from organiser.api.webhooks.events import FEEDS, new_rows
from organiser.api.webhooks.models import (
    DeliveryStatus,
    EventKind,
    Webhook,
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
)
from organiser.db import db, utcnow
from organiser.jobs import enqueue_after_commit, job

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
KEEP = timedelta(days=30)  # finished deliveries (and their attempts) listed this long, then deleted
LEASE = timedelta(minutes=5)  # well over the HTTP timeout: a job that still holds it is still working
BATCH = 500  # rows per webhook and kind in one pass, and due deliveries handed out in one pass
BATCHES_PER_PASS = 10
QUEUE = "default"


def new_key() -> str:
    return secrets.token_hex(16)


def start_cursors(webhook: Webhook, kinds: list[str], now: datetime | None = None) -> None:
    """A kind newly chosen is read from now on: what happened before is not sent."""
    now = now or utcnow()
    have = {
        c.kind
        for c in db.session.scalars(select(WebhookCursor).where(WebhookCursor.webhook_id == webhook.id))
    }
    for kind in kinds:
        if kind not in have:
            db.session.add(WebhookCursor(webhook_id=webhook.id, kind=kind, after_at=now, after_id=0))
    db.session.flush()


def _queue(deliveries: list[WebhookDelivery], now: datetime) -> None:
    """Lease the deliveries and queue a job for each once this transaction commits."""
    for delivery in deliveries:
        delivery.next_attempt_at = now + LEASE
    db.session.flush()
    for delivery in deliveries:
        enqueue_after_commit(deliver, delivery.id, queue=QUEUE)


def _collect_kind(webhook: Webhook, cursor: WebhookCursor, until: datetime, now: datetime) -> int:
    feed = FEEDS[EventKind(cursor.kind)]
    rows = db.session.execute(new_rows(feed, webhook, (cursor.after_at, cursor.after_id), until, BATCH)).all()
    if not rows:
        return 0
    ids = [row_id for _at, row_id in rows]
    known = set(
        db.session.scalars(
            select(WebhookDelivery.source_id).where(
                WebhookDelivery.webhook_id == webhook.id,
                WebhookDelivery.kind == cursor.kind,
                WebhookDelivery.source_id.in_(ids),
            )
        )
    )
    new = [
        WebhookDelivery(webhook_id=webhook.id, kind=cursor.kind, source_id=row_id, idempotency_key=new_key())
        for row_id in ids
        if row_id not in known
    ]
    db.session.add_all(new)
    _queue(new, now)
    cursor.after_at, cursor.after_id = rows[-1]
    return len(rows)


def collect(now: datetime | None = None) -> int:
    """Create the deliveries of every enabled webhook's new events and move its cursors on; returns
    how many rows it read. The caller commits (the sweep), and the sending jobs are queued then."""
    now = now or utcnow()
    until = now - timedelta(seconds=float(current_app.config.get("WEBHOOKS_SETTLE_SECONDS", 15)))
    webhooks = db.session.scalars(
        select(Webhook)
        .where(Webhook.enabled.is_(True))
        .order_by(Webhook.id)
        .with_for_update(skip_locked=True)
    ).all()
    created = 0
    for webhook in webhooks:
        start_cursors(webhook, webhook.events, now)
        cursors = db.session.scalars(
            select(WebhookCursor).where(
                WebhookCursor.webhook_id == webhook.id, WebhookCursor.kind.in_(webhook.events)
            )
        )
        for cursor in cursors:
            for _batch in range(BATCHES_PER_PASS):  # a surge is caught up with in a few passes
                taken = _collect_kind(webhook, cursor, until, now)
                created += taken
                if taken < BATCH:
                    break
    return created


def hand_out_due(now: datetime | None = None) -> int:
    """Queue a job for each delivery that is due: a retry whose time has come, or one whose job was
    lost (its lease ran out)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    _queue(list(due), now)
    return len(due)


def forget_old(now: datetime | None = None) -> None:
    """Finished deliveries older than ``KEEP`` go, with their attempts (the page lists recent ones)."""
    old = select(WebhookDelivery.id).where(
        WebhookDelivery.status != DeliveryStatus.PENDING,
        WebhookDelivery.created_at < (now or utcnow()) - KEEP,
    )
    db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(old)))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(old)))


def sweep() -> None:
    """The webhooks' sweep: new events become deliveries, due deliveries are handed out, and old ones
    are forgotten."""
    forget_old()
    created, due = collect(), hand_out_due()
    if created or due:
        log.info("webhooks: %d new deliveries, %d handed out again", created, due)


def send_test(webhook: Webhook) -> WebhookDelivery:
    """A test delivery, sent as soon as the request commits."""
    delivery = WebhookDelivery(webhook_id=webhook.id, kind=EventKind.TEST, idempotency_key=new_key())
    db.session.add(delivery)
    _queue([delivery], utcnow())
    return delivery


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for this attempt (one job only, even if it was queued twice)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.attempts == delivery.attempts,
        )
        .values(attempts=delivery.attempts + 1, next_attempt_at=utcnow() + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return None
    db.session.commit()  # the attempt is counted even if this process dies while sending
    db.session.refresh(delivery)
    return delivery


def _record(delivery: WebhookDelivery, outcome: sending.Outcome) -> None:
    now = utcnow()
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
    if outcome.delivered:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    log.info(
        "webhook %s delivery %s attempt %s: %s",
        delivery.webhook_id,
        delivery.id,
        delivery.attempts,
        outcome.status_code or outcome.error,
    )


def _drop(delivery: WebhookDelivery, why: str) -> None:
    delivery.status, delivery.next_attempt_at, delivery.last_error = DeliveryStatus.DROPPED, None, why


@job
def deliver(delivery_id: int) -> None:
    """Send one delivery (one attempt), and record how it went."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return
    webhook = delivery.webhook
    if not webhook.enabled and delivery.kind != EventKind.TEST:
        _drop(delivery, "The webhook is disabled.")
        return
    body = payloads.body_of(delivery)
    if body is None:
        _drop(delivery, "What it reported is no longer there to send.")
        return
    headers = {
        "Organiser-Event": payloads.EVENT_TYPES[EventKind(delivery.kind)],
        "Organiser-Delivery": delivery.idempotency_key,
        "Idempotency-Key": delivery.idempotency_key,
    }
    url, secret = webhook.url, webhook.secret
    # No transaction stays open while the receiver answers (on SQLite it would hold the write lock).
    db.session.commit()
    outcome = sending.post(url, body, headers, secret)
    _record(db.session.get(WebhookDelivery, delivery_id), outcome)  # type: ignore[arg-type]
