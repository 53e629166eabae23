"""Putting mail in the outbox, inside the caller's transaction: one message, handed to a delivery
job once the transaction commits; or, for a surge (a petition's confirmation links), rows inserted
with one Core statement and one waiting delivery job per stream for them all."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from flask import current_app
from sqlalchemy import insert

from organiser.db import db, utcnow
from organiser.jobs import enqueue_after_commit
from organiser.messaging.mime import Attachment
from organiser.messaging.models import MailStream, OutboxAttachment, OutboxMessage, OutboxStatus


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
    """Many ``queue_email_coalesced`` at once (``to``, ``subject``, ``text``, ``person_id`` each, and
    optionally ``key``, an idempotency key, and ``headers``): one multi-row insert, and one waiting
    delivery job for them all."""
    if not messages:
        return
    now = utcnow()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    db.session.connection().execute(  # Core on the table, one cached statement: a fraction of the ORM's cost
        _INSERT_MESSAGE,
        [
            {
                "stream": str(stream),
                "idempotency_key": message.get("key") or uuid.uuid4().hex,
                "recipient": message["to"],
                "recipient_name": "",
                "person_id": message.get("person_id"),  # so erasing the person finds the message
                "sender": sender,
                "subject": message["subject"],
                "headers": message.get("headers") or {},
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
