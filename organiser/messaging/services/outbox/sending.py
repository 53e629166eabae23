"""Claiming due rows and sending them: a row is claimed atomically (queued → sending) before it is
sent, and each outcome is recorded as soon as it is known (``ledger``). A transient failure is
retried later with backoff, a permanent one fails the row; a paused or cancelled mailing gives its
unsent rows back."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import or_, select, update

from organiser.db import db, utcnow
from organiser.jobs import get_queue, redis_connection
from organiser.messaging.models import Mailing, MailingStatus, OutboxMessage, OutboxStatus
from organiser.messaging.services.outbox.batch import Batch, Heartbeat
from organiser.messaging.services.outbox.ledger import (
    MAX_ATTEMPTS,
    ledger_connection,
    mark_sent,
    record,
    retry_delay,
)
from organiser.messaging.transport import PermanentError, SMTPTransport, TransientError

log = logging.getLogger(__name__)

HALT_CHECK_EVERY = 25  # messages between looks at whether the mailing was paused or cancelled


def due_message_ids(stream: str, limit: int) -> list[int]:
    """The oldest due rows of a stream that belong to no mailing (mailings have their own jobs)."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.stream == stream,
                OutboxMessage.status == OutboxStatus.QUEUED,
                OutboxMessage.mailing_id.is_(None),
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(message_ids: Iterable[int]) -> list[OutboxMessage]:
    """Atomically move due, queued rows to ``sending``; rows of a halted mailing stay queued."""
    ids = list(message_ids)
    now = utcnow()
    sending_mailings = select(Mailing.id).where(Mailing.status == MailingStatus.SENDING)
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.QUEUED,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            or_(OutboxMessage.mailing_id.is_(None), OutboxMessage.mailing_id.in_(sending_mailings)),
        )
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
    ).all()
    db.session.commit()
    if not claimed:
        return []
    query = select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def send_claimed(rows: list[OutboxMessage]) -> None:
    """Send claimed rows over one connection, recording each outcome as soon as it is known."""
    if not rows:
        return
    batch = Batch(rows)
    local = current_app.config["MAIL_BACKEND"] == "local"
    from organiser.messaging.services.throttle import relay_bucket

    bucket = None if local else relay_bucket()
    heartbeat = Heartbeat(rows)
    kept: list[int] = []  # the local outbox (development): nothing leaves, so one record for them all
    with SMTPTransport() as transport, ledger_connection():
        for index, row in enumerate(rows):
            if row.mailing_id and index % HALT_CHECK_EVERY == 0 and index and _halted(row.mailing_id):
                _release([r.id for r in rows[index:]])
                break
            heartbeat.beat(index)
            if row.id in batch.blocked:
                record([row.id], status=OutboxStatus.SUPPRESSED)
                continue
            if local:
                kept.append(row.id)
                continue
            if bucket is not None:
                bucket.take()
            _send_one(transport, batch, row)
        if kept:
            record(kept, status=OutboxStatus.SENT, smtp_reply="kept in the local outbox", sent_at=utcnow())
    _after_batch(rows, batch.errors)


def _send_one(transport: SMTPTransport, batch: Batch, row: OutboxMessage) -> None:
    try:
        message = batch.message(row)
    except Exception as exc:  # a message we cannot even build must not stop the rest of the batch
        log.exception("outbox message %s could not be built", row.id)
        batch.errors += 1
        db.session.rollback()
        record([row.id], status=OutboxStatus.FAILED, last_error=f"could not build the message: {exc!r}")
        return
    try:
        reply = transport.send(row, message)
    except TransientError as exc:
        batch.errors += 1
        _retry_later(row, str(exc))
    except PermanentError as exc:
        batch.errors += 1
        record([row.id], status=OutboxStatus.FAILED, last_error=str(exc))
        log.warning("outbox message %s failed for good: %s", row.id, exc)
    else:
        mark_sent(row.id, reply)


def _retry_later(row: OutboxMessage, error: str) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        record(
            [row.id], status=OutboxStatus.FAILED, last_error=f"gave up after {row.attempts} attempts: {error}"
        )
        return
    delay = retry_delay(row.attempts)
    due = utcnow() + delay  # the scheduled job covers it; the sweeper only if that job is lost
    record([row.id], status=OutboxStatus.QUEUED, last_error=error, next_attempt_at=due, handed_at=due)
    if redis_connection() is not None:
        from organiser.messaging.jobs import deliver_messages

        get_queue(str(row.stream)).enqueue_in(delay, deliver_messages, [row.id], result_ttl=0)


def _release(row_ids: list[int]) -> None:
    """Give claimed but unsent rows back, as if never claimed (a pause must not cost an attempt)."""
    if row_ids:
        record(
            row_ids,
            status=OutboxStatus.QUEUED,
            attempts=OutboxMessage.attempts - 1,
            claimed_at=None,
            handed_at=None,
        )


def _halted(mailing_id: int) -> bool:
    status = db.session.scalar(select(Mailing.status).where(Mailing.id == mailing_id))
    return status != MailingStatus.SENDING


def _after_batch(rows: list[OutboxMessage], errors: int) -> None:
    from organiser.messaging.services.mailings import auto_pause_if_failing, finish_if_done

    for mailing_id in {r.mailing_id for r in rows if r.mailing_id}:
        attempted = sum(1 for r in rows if r.mailing_id == mailing_id)
        auto_pause_if_failing(mailing_id, attempted, errors)
        finish_if_done(mailing_id)
