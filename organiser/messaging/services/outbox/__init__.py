"""The outbox: putting mail in the ledger, claiming it, sending it, and recording each outcome.

A row is claimed atomically (queued → sending) before it is sent and marked sent in its own
commit as soon as the server accepts it, so a worker killed mid-batch leaves at most the one
message that was in flight unrecorded; ``sweep_outbox`` hands its rows out again.

``queueing``: a message into the outbox (one, or a surge's many in one insert). ``sending``:
claiming due rows and sending them over one connection. ``batch``: what a claimed batch needs on
its way (its rows' messages, the rows to hold back, the heartbeat). ``ledger``: each outcome
recorded at once, the retry rules, and reading the ledger back. ``sweep``: what a dead worker or a
lost job left behind, handed out again.
"""

from organiser.messaging.services.outbox.ledger import (
    MAX_ATTEMPTS,
    recent_messages,
    retry_delay,
    stale_claim_timeout,
    status_counts,
)
from organiser.messaging.services.outbox.queueing import (
    coalesced_key,
    insert_messages,
    queue_email,
    queue_email_coalesced,
)
from organiser.messaging.services.outbox.sending import HALT_CHECK_EVERY, claim, due_message_ids, send_claimed
from organiser.messaging.services.outbox.sweep import hand_out, sweep_outbox

__all__ = [
    "HALT_CHECK_EVERY",
    "MAX_ATTEMPTS",
    "claim",
    "coalesced_key",
    "due_message_ids",
    "hand_out",
    "insert_messages",
    "queue_email",
    "queue_email_coalesced",
    "recent_messages",
    "retry_delay",
    "send_claimed",
    "stale_claim_timeout",
    "status_counts",
    "sweep_outbox",
]
