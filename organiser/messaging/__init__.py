"""Outbox, mailings, RQ jobs, unsubscribe and suppression. Imports no other domain package: what it
needs of them (segments, whose a mailing is) they register here."""

from __future__ import annotations

import logging

from flask import Flask

from organiser.jobs import Sweep, register_sweep

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    from organiser.core import mail
    from organiser.messaging.services.outbox import queue_email
    from organiser.messaging.views import MAILING_STATUS_LABELS, bp

    app.register_blueprint(bp)
    app.add_template_global(MAILING_STATUS_LABELS, "status_labels")
    mail.set_sender(queue_email)
    register_sweep(Sweep("outbox sweep", _sweep_outbox))


def _sweep_outbox() -> None:
    """Scheduled mailings, retries, and what a dead worker left half-sent."""
    from organiser.messaging.services.outbox import sweep_outbox

    handed = sweep_outbox()
    if handed:
        log.info("sweeper handed %s due outbox messages to the queues", handed)
