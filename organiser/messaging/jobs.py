"""RQ jobs for mail. They take outbox ids and reload the rows; bodies never live in Redis."""

from __future__ import annotations

from organiser.jobs import job
from organiser.messaging.services import claim, send_claimed


@job
def deliver_messages(message_ids: list[int]) -> int:
    """Claim these outbox rows and send them over one SMTP connection."""
    rows = claim(message_ids)
    send_claimed(rows)
    return len(rows)
