"""RQ jobs for mail. They take ids and reload the rows; message bodies never live in Redis."""

from __future__ import annotations

from organiser.jobs import job
from organiser.messaging.services.mailings import expand
from organiser.messaging.services.outbox import claim, send_claimed


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
