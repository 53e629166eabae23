"""The outbox: putting mail in the ledger, claiming it, sending it, and recording each outcome.

A row is claimed atomically (queued → sending) before it is sent and marked sent in its own
commit as soon as the server accepts it, so a worker killed mid-batch leaves at most the one
message that was in flight unrecorded; ``sweep_outbox`` hands its rows out again.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import current_app, g
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Engine

from organiser.db import db, utcnow
from organiser.jobs import enqueue_after_commit, get_queue, redis_connection
from organiser.messaging.mime import Attachment
from organiser.messaging.models import (
    Mailing,
    MailingStatus,
    MailStream,
    OutboxAttachment,
    OutboxMessage,
    OutboxStatus,
    Suppression,
)
from organiser.messaging.transport import PermanentError, SMTPTransport, TransientError, build_message
from organiser.people.models import ConsentState

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # with the backoff below, about 72 hours of retrying before a message fails
HALT_CHECK_EVERY = 25  # messages between looks at whether the mailing was paused or cancelled


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1 min, 4 min, 16 min … capped at 24 hours."""
    return timedelta(seconds=min(60 * 4 ** max(attempts - 1, 0), 86400))


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
    attachments: Sequence[Attachment] = (),
) -> OutboxMessage:
    """Add a message to the outbox; it is handed to a worker once the transaction commits.

    ``attachments`` are stored beside the row (``OutboxAttachment``) and sent as multipart/mixed."""
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
        handed_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    for attachment in attachments:
        db.session.add(
            OutboxAttachment(
                message_id=row.id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                data=attachment.data,
            )
        )
    if attachments:
        db.session.flush()
    from organiser.messaging.jobs import deliver_messages

    enqueue_after_commit(deliver_messages, [row.id], queue=str(stream))
    return row


_INSERT_MESSAGE = insert(OutboxMessage.__table__)


def coalesced_key(stream: str) -> str:
    return f"organiser:deliver-queued:{stream}"


def queue_email_coalesced(
    *,
    to: str,
    subject: str,
    text: str,
    stream: MailStream = MailStream.TRANSACTIONAL,
    person_id: int | None = None,
) -> None:
    """``queue_email`` for a surge (a petition's confirmation links): the row goes in with one Core
    statement, and instead of a job per message, one delivery job per stream waits in the queue
    (``deliver_queued``): it sends every due row of the stream, in batches over one SMTP
    connection each. Thousands of signers a minute cost Redis one ``SET NX`` each, not a job each."""
    insert_messages([{"to": to, "subject": subject, "text": text, "person_id": person_id}], stream=stream)


def insert_messages(messages: list[dict[str, Any]], *, stream: MailStream = MailStream.TRANSACTIONAL) -> None:
    """Many ``queue_email_coalesced`` at once (``to``, ``subject``, ``text``, ``person_id`` each):
    one multi-row insert, and one waiting delivery job for them all."""
    if not messages:
        return
    now = utcnow()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    db.session.connection().execute(  # Core on the table, one cached statement: a fraction of the ORM's cost
        _INSERT_MESSAGE,
        [
            {
                "stream": str(stream),
                "idempotency_key": uuid.uuid4().hex,
                "recipient": message["to"],
                "recipient_name": "",
                "person_id": message.get("person_id"),  # so erasing the person finds the message
                "sender": sender,
                "subject": message["subject"],
                "headers": {},
                "body_text": message["text"],
                "status": OutboxStatus.QUEUED.value,
                "attempts": 0,
                "created_at": now,
                "handed_at": now,
            }
            for message in messages
        ],
    )
    from organiser.messaging.jobs import deliver_queued

    enqueue_after_commit(deliver_queued, str(stream), queue=str(stream), unique=coalesced_key(str(stream)))


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


def _set(row_ids: Sequence[int], **values: object) -> None:
    """Record an outcome and commit it at once: the ledger must never lag the SMTP server.

    While a batch is sent on PostgreSQL, outcomes go through a connection of their own in
    autocommit: one round trip a message instead of three (BEGIN, UPDATE, COMMIT). Otherwise (in
    SQLite, or inside a test's transaction) a Core statement on the session's connection is used;
    an ORM ``update()`` would also evaluate its WHERE clause against every row held in the session.
    """
    statement = update(OutboxMessage).where(OutboxMessage.id.in_(row_ids)).values(**values)
    ledger = g.get("outbox_ledger")
    if ledger is not None:
        ledger.execute(statement)
        return
    db.session.connection().execute(statement)
    db.session.commit()


@contextmanager
def _ledger_connection() -> Iterator[None]:
    bind = current_app.extensions["organiser.bind"]
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        yield
        return
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        g.outbox_ledger = conn
        g.outbox_driver = conn.connection.driver_connection  # psycopg's own, for the hot statement
        try:
            yield
        finally:
            g.pop("outbox_ledger", None)
            g.pop("outbox_driver", None)


# The statement run once per message sent, prepared on the server: psycopg directly, without
# SQLAlchemy's statement compilation, is a third of the cost of recording an outcome.
_MARK_SENT = (
    "UPDATE outbox_messages SET status = 'sent', smtp_reply = %s, sent_at = %s, last_error = NULL"
    " WHERE id = %s"
)


def _mark_sent(row_id: int, reply: str) -> None:
    driver = g.get("outbox_driver")
    if driver is not None:
        driver.execute(_MARK_SENT, (reply[:500], utcnow(), row_id), prepare=True)
        return
    _set([row_id], status=OutboxStatus.SENT, smtp_reply=reply[:500], sent_at=utcnow(), last_error=None)


class Batch:
    """Claimed rows on their way out over one connection, with what each needs to become a message."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        self.rows = rows
        self.rendered: dict[int, object] = {}
        self.blocked = self._blocked_bulk_rows()
        self.attachments = self._attachments()
        self.errors = 0

    def _attachments(self) -> dict[int, list[Attachment]]:
        """Files of the batch's own (non-mailing) rows, in one query; a mailing's batch asks nothing."""
        ids = [r.id for r in self.rows if r.mailing_id is None]
        found: dict[int, list[Attachment]] = {}
        if not ids:
            return found
        query = (
            select(OutboxAttachment).where(OutboxAttachment.message_id.in_(ids)).order_by(OutboxAttachment.id)
        )
        for a in db.session.scalars(query):
            found.setdefault(a.message_id, []).append(Attachment(a.filename, a.content_type, a.data))
        return found

    def _blocked_bulk_rows(self) -> set[int]:
        """Bulk rows whose address was suppressed, or whose consent was withdrawn, since they were queued."""
        bulk = [r for r in self.rows if r.stream == MailStream.BULK]
        if not bulk:
            return set()
        emails = {r.recipient for r in bulk}
        suppressed = set(db.session.scalars(select(Suppression.email).where(Suppression.email.in_(emails))))
        withdrawn: set[int] = set()
        for mailing_id in {r.mailing_id for r in bulk if r.mailing_id}:
            from organiser.messaging.services.audiences import sender_subject

            mailing = db.session.get(Mailing, mailing_id)
            subject_type, subject_id = sender_subject(mailing)
            person_ids = {r.person_id for r in bulk if r.mailing_id == mailing_id and r.person_id}
            withdrawn |= set(
                db.session.scalars(
                    select(ConsentState.person_id).where(
                        ConsentState.person_id.in_(person_ids),
                        ConsentState.subject_type == subject_type,
                        ConsentState.subject_id == subject_id,
                        ConsentState.granted.is_(False),
                    )
                )
            )
        return {r.id for r in bulk if r.recipient in suppressed or r.person_id in withdrawn}

    def message(self, row: OutboxMessage):  # noqa: ANN201
        if row.mailing_id is None:
            return build_message(
                row, row.body_text or "", row.body_html, attachments=self.attachments.get(row.id, ())
            )
        from organiser.messaging.render import render_mailing

        rendered = self.rendered.get(row.mailing_id)
        if rendered is None:
            rendered = self.rendered[row.mailing_id] = render_mailing(db.session.get(Mailing, row.mailing_id))
        headers, text, html = rendered.message_for(row)  # type: ignore[attr-defined]
        return build_message(row, text, html, headers)


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
    with SMTPTransport() as transport, _ledger_connection():
        for index, row in enumerate(rows):
            if row.mailing_id and index % HALT_CHECK_EVERY == 0 and index and _halted(row.mailing_id):
                _release([r.id for r in rows[index:]])
                break
            heartbeat.beat(index)
            if row.id in batch.blocked:
                _set([row.id], status=OutboxStatus.SUPPRESSED)
                continue
            if local:
                kept.append(row.id)
                continue
            if bucket is not None:
                bucket.take()
            _send_one(transport, batch, row)
        if kept:
            _set(kept, status=OutboxStatus.SENT, smtp_reply="kept in the local outbox", sent_at=utcnow())
    _after_batch(rows, batch.errors)


class Heartbeat:
    """Keeps a slow batch's unsent rows fresh, so the sweeper does not hand them to another worker
    while this one is still working through them (a throttled relay can make a batch slow)."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        self.ids = [r.id for r in rows]
        self.every = stale_claim_timeout().total_seconds() / 3
        self.last = time.monotonic()

    def beat(self, index: int) -> None:
        if time.monotonic() - self.last < self.every:
            return
        self.last = time.monotonic()
        remaining = self.ids[index:]
        db.session.connection().execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(remaining), OutboxMessage.status == OutboxStatus.SENDING)
            .values(claimed_at=utcnow())
        )
        db.session.commit()


def _send_one(transport: SMTPTransport, batch: Batch, row: OutboxMessage) -> None:
    try:
        message = batch.message(row)
    except Exception as exc:  # a message we cannot even build must not stop the rest of the batch
        log.exception("outbox message %s could not be built", row.id)
        batch.errors += 1
        db.session.rollback()
        _set([row.id], status=OutboxStatus.FAILED, last_error=f"could not build the message: {exc!r}")
        return
    try:
        reply = transport.send(row, message)
    except TransientError as exc:
        batch.errors += 1
        _retry_later(row, str(exc))
    except PermanentError as exc:
        batch.errors += 1
        _set([row.id], status=OutboxStatus.FAILED, last_error=str(exc))
        log.warning("outbox message %s failed for good: %s", row.id, exc)
    else:
        _mark_sent(row.id, reply)


def _retry_later(row: OutboxMessage, error: str) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _set(
            [row.id], status=OutboxStatus.FAILED, last_error=f"gave up after {row.attempts} attempts: {error}"
        )
        return
    delay = retry_delay(row.attempts)
    due = utcnow() + delay  # the scheduled job covers it; the sweeper only if that job is lost
    _set([row.id], status=OutboxStatus.QUEUED, last_error=error, next_attempt_at=due, handed_at=due)
    if redis_connection() is not None:
        from organiser.messaging.jobs import deliver_messages

        get_queue(str(row.stream)).enqueue_in(delay, deliver_messages, [row.id], result_ttl=0)


def _release(row_ids: list[int]) -> None:
    """Give claimed but unsent rows back, as if never claimed (a pause must not cost an attempt)."""
    if row_ids:
        _set(
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


def stale_claim_timeout() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("OUTBOX_CLAIM_TIMEOUT") or 300))


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


def status_counts(mailing_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.mailing_id == mailing_id)
        .group_by(OutboxMessage.status)
    ).all()
    counts = {str(s): 0 for s in OutboxStatus}
    counts.update({str(status): n for status, n in rows})
    return counts


def recent_messages(limit: int = 50, *, to: str | None = None) -> list[OutboxMessage]:
    """The newest messages, or only those addressed to ``to``."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if to is not None:
        query = query.where(OutboxMessage.recipient == to)
    return list(db.session.scalars(query))
