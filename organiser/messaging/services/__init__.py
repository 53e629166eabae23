"""Messaging operations, used by views, jobs, the CLI and every other package.

``outbox``: putting mail in the ledger and sending it. ``mailings``: a coordinator's message to a
segment. ``audiences``: the segments other packages register. ``suppression``: unsubscribes,
bounces and complaints. ``throttle``: the per-relay rate limit.
"""

from organiser.messaging.services.outbox import queue_email, recent_messages, sweep_outbox

__all__ = ["queue_email", "recent_messages", "sweep_outbox"]
