"""The sweep: the database is the ledger of record, so a killed worker or a Redis restart loses
nothing. Due mailings are started, rows a dead worker left in ``sending`` are reclaimed, and every
due row whose job is overdue is handed out again, in delivery jobs of a batch each."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import or_, select, update

from organiser.db import db, utcnow
from organiser.jobs import enqueue_after_commit
from organiser.messaging.models import Mailing, MailingStatus, OutboxMessage, OutboxStatus
from organiser.messaging.services.outbox.ledger import MAX_ATTEMPTS, stale_claim_timeout


def sweep_outbox(batch_size: int | None = None) -> int:
    """Start due mailings, reclaim rows a dead worker left in ``sending``, and queue a job again for
    every due row whose job is overdue.

    The database is the ledger of record: this is what makes a killed worker or a Redis restart
    lose nothing. Returns how many rows were handed out.
    """
    from organiser.messaging.services.mailings import start_due_mailings

    start_due_mailings()
    now = utcnow()
    overdue = now - stale_claim_timeout()
    stale = [OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < overdue]
    db.session.execute(
        update(OutboxMessage)
        .where(*stale, OutboxMessage.attempts >= MAX_ATTEMPTS)
        .values(status=OutboxStatus.FAILED, last_error="the worker sending it stopped, too many times")
    )
    db.session.execute(update(OutboxMessage).where(*stale).values(status=OutboxStatus.QUEUED, handed_at=None))
    sending_mailings = select(Mailing.id).where(Mailing.status == MailingStatus.SENDING)
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.stream)
        .where(
            OutboxMessage.status == OutboxStatus.QUEUED,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            or_(OutboxMessage.handed_at.is_(None), OutboxMessage.handed_at < overdue),
            or_(OutboxMessage.mailing_id.is_(None), OutboxMessage.mailing_id.in_(sending_mailings)),
        )
        .order_by(OutboxMessage.id)
    ).all()
    hand_out([(i, s) for i, s in due], batch_size)
    db.session.commit()
    return len(due)


def hand_out(rows: Sequence[tuple[int, str]], batch_size: int | None = None) -> None:
    """Queue delivery jobs for these (id, stream) rows after the commit, in batches per stream."""
    from organiser.messaging.jobs import deliver_messages

    size = batch_size or int(current_app.config.get("OUTBOX_BATCH_SIZE") or 200)
    by_stream: dict[str, list[int]] = {}
    for message_id, stream in rows:
        by_stream.setdefault(str(stream), []).append(message_id)
    now = utcnow()
    for stream, ids in by_stream.items():
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(chunk)).values(handed_at=now))
            enqueue_after_commit(deliver_messages, chunk, queue=stream)
