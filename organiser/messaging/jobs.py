"""RQ jobs for mail. They take ids and reload the rows; message bodies never live in Redis."""

from __future__ import annotations

import time

from flask import current_app

from organiser.jobs import dispatch, job, release_unique, take_unique
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
    started, sent = time.monotonic(), 0
    while True:
        ids = due_message_ids(stream, size)
        if not ids:
            release_unique(key)
            if not due_message_ids(stream, 1) or not take_unique(key):
                return sent
            continue
        if time.monotonic() - started > HAND_OVER_AFTER:  # well inside the job timeout: a fresh job goes on
            release_unique(key)
            dispatch(deliver_queued, stream, queue=stream, unique=key)
            return sent
        take_unique(key, refresh=True)
        rows = claim(ids)
        send_claimed(rows)
        sent += len(rows)
