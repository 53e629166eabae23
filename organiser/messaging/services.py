"""Putting mail in the outbox and working through it. Used by every other package."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from organiser.db import as_utc, db, utcnow
from organiser.jobs import enqueue_after_commit, redis_connection
from organiser.messaging.models import MailStream, OutboxMessage, OutboxStatus
from organiser.messaging.transport import PermanentError, SMTPTransport, TransientError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=10)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min … capped at 2 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 7200))


def queue_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    stream: MailStream = MailStream.TRANSACTIONAL,
    key: str | None = None,
    headers: dict[str, str] | None = None,
    sender: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox; it is handed to a worker once the transaction commits."""
    row = OutboxMessage(
        stream=stream,
        idempotency_key=key or uuid.uuid4().hex,
        recipient=to,
        sender=sender or current_app.config["MAIL_DEFAULT_SENDER"],
        subject=subject,
        headers=headers or {},
        body_text=text,
        body_html=html,
        status=OutboxStatus.QUEUED,
    )
    db.session.add(row)
    db.session.flush()
    from organiser.messaging.jobs import deliver_messages

    enqueue_after_commit(deliver_messages, [row.id], queue=str(stream))
    return row


def claim(message_ids: Iterable[int]) -> list[OutboxMessage]:
    """Atomically move queued rows to ``sending``; rows another worker holds are skipped."""
    ids = list(message_ids)
    now = utcnow()
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
    ).all()
    db.session.commit()
    if not claimed:
        return []
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
        )
    )


def send_claimed(rows: list[OutboxMessage]) -> None:
    """Send claimed rows over one connection, recording each outcome as soon as it is known."""
    if current_app.config["MAIL_BACKEND"] == "local":
        for row in rows:
            _mark_sent(row, "kept in the local outbox")
        return
    with SMTPTransport() as transport:
        for row in rows:
            try:
                reply = transport.send(row)
            except TransientError as exc:
                _mark_for_retry(row, str(exc))
            except PermanentError as exc:
                _mark_failed(row, str(exc))
            else:
                _mark_sent(row, reply)


def _mark_sent(row: OutboxMessage, reply: str) -> None:
    row.status, row.smtp_reply, row.sent_at, row.last_error = OutboxStatus.SENT, reply[:500], utcnow(), None
    db.session.commit()


def _mark_failed(row: OutboxMessage, error: str) -> None:
    row.status, row.last_error = OutboxStatus.FAILED, error
    db.session.commit()
    log.warning("outbox message %s to %s failed: %s", row.id, row.recipient, error)


def _mark_for_retry(row: OutboxMessage, error: str) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _mark_failed(row, f"gave up after {row.attempts} attempts: {error}")
        return
    delay = retry_delay(row.attempts)
    row.status, row.last_error, row.next_attempt_at = OutboxStatus.QUEUED, error, utcnow() + delay
    db.session.commit()
    if redis_connection() is not None:
        from organiser.jobs import get_queue
        from organiser.messaging.jobs import deliver_messages

        get_queue(str(row.stream)).enqueue_in(delay, deliver_messages, [row.id], result_ttl=0)


def sweep_outbox() -> int:
    """Reclaim rows a dead worker left in ``sending`` and hand every due row to a worker again.

    The database is the ledger of record: this is what makes a Redis restart or a killed
    worker lose nothing. Returns how many rows were handed out.
    """
    now = utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - STALE_CLAIM)
        .values(status=OutboxStatus.QUEUED)
    )
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.stream).where(
            OutboxMessage.status == OutboxStatus.QUEUED,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
    ).all()
    from organiser.messaging.jobs import deliver_messages

    for message_id, stream in due:
        enqueue_after_commit(deliver_messages, [message_id], queue=str(stream))
    db.session.commit()
    return len(due)


def recent_messages(limit: int = 50) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def is_due(row: OutboxMessage) -> bool:
    return row.next_attempt_at is None or as_utc(row.next_attempt_at) <= utcnow()
