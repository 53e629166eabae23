"""RQ jobs for mail. They take ids and reload the rows; message bodies never live in Redis."""

from __future__ import annotations

from flask import current_app

from organiser.jobs import job, release_unique
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


@job
def deliver_queued(stream: str) -> int:
    """Send every due row of ``stream`` that no mailing owns, batch after batch (see
    ``queue_email_coalesced``). The flag is cleared first, so a row committed after this job looked
    gets a job of its own; two such jobs never send a row twice (``claim`` is atomic)."""
    release_unique(coalesced_key(stream))
    size = int(current_app.config.get("OUTBOX_BATCH_SIZE") or 200)
    sent = 0
    while True:
        ids = due_message_ids(stream, size)
        rows = claim(ids)
        send_claimed(rows)
        sent += len(rows)
        if len(ids) < size:
            return sent
