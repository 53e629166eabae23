"""RQ jobs for mail. They take ids and reload the rows; message bodies never live in Redis."""

from __future__ import annotations

import time

from flask import current_app

from organiser.db import db
from organiser.jobs import dispatch, job, redis_connection, release_unique, take_unique
from organiser.messaging.services.mailings import expand
from organiser.messaging.services.outbox import claim, coalesced_key, due_message_ids, send_claimed


@job
def deliver_messages(message_ids: list[int]) -> int:
    """Claim these outbox rows and send them over one SMTP connection."""
    rows = claim(message_ids)
    send_claimed(rows)
    return len(rows)


@job
def expand_mailing(mailing_id: int) -> int:
    """Freeze a mailing's recipients into outbox rows and hand them to the delivery workers."""
    return expand(mailing_id)


HAND_OVER_AFTER = 240  # seconds one delivery job works through a surge before a fresh one takes over
LINGER, LINGER_POLL = (
    2.0,
    0.1,
)  # seconds a delivery job waits for more rows before it ends, and how often it looks


@job
def deliver_queued(stream: str) -> int:
    """Send every due row of ``stream`` that no mailing owns, batch after batch, for as long as a
    surge keeps adding rows (see ``queue_email_coalesced``): one job runs through it, rather than
    a job (and a forked work horse and a database connection) per message.

    The "queued" flag is held while it works, so signers add no jobs; when nothing is left it is
    released and the outbox looked at once more: a row committed in between (its signer found
    the flag still set) is taken by this job if it gets the flag back, or by the job that did.
    Two such jobs never send a row twice: ``claim`` is atomic."""
    key = coalesced_key(stream)
    size = int(current_app.config.get("OUTBOX_BATCH_SIZE") or 200)
    if redis_connection() is None:  # inline, in the request that queued it (embedded): one batch, no waiting
        rows = claim(due_message_ids(stream, size))
        send_claimed(rows)
        return len(rows)
    started, sent, idle_since = time.monotonic(), 0, None
    try:
        while True:
            ids = due_message_ids(stream, size)
            if not ids:
                # In a surge the next row is a moment away: wait a little for it rather than end the
                # job, and have a new one queued (a Redis job and a forked work horse) a moment later.
                idle_since = idle_since or time.monotonic()
                db.session.commit()  # end the read transaction, so the next look sees new rows
                if time.monotonic() - idle_since < LINGER:
                    time.sleep(LINGER_POLL)
                    continue
                release_unique(key)
                db.session.commit()
                if not due_message_ids(stream, 1) or not take_unique(key):
                    return sent
                continue
            if (
                time.monotonic() - started > HAND_OVER_AFTER
            ):  # well inside the job timeout: a fresh job goes on
                release_unique(key)
                dispatch(deliver_queued, stream, queue=stream, unique=key)
                return sent
            idle_since = None
            take_unique(key, refresh=True)
            rows = claim(ids)
            send_claimed(rows)
            sent += len(rows)
    except BaseException:
        release_unique(key)  # the next signer queues a job again at once, not after the flag expires
        raise
