"""Before and on the day of an assembly: reminders through the RQ scheduler (``reminders``, ``jobs``),
registrants told when the time or place changes, QR check-in codes (``qr``), the check-in desk with
walk-ins and the attendance count (``door``, ``views``), and registrants as mailing segments
(``segments``)."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Its pages; registrants by status as mailing segments; due reminders as a sweep; the QR code
    for the registrant's page."""
    from organiser.assemblies.dayof import qr, segments
    from organiser.assemblies.dayof.blueprint import bp
    from organiser.jobs import Sweep, register_sweep
    from organiser.messaging.services.audiences import register_segment

    app.register_blueprint(bp)
    app.add_template_global(qr.qr_svg, "check_in_qr")
    register_segment(segments.REGISTRANTS)
    register_sweep(Sweep("assembly reminders", _sweep_reminders))


def _sweep_reminders() -> None:
    """Reminders due and not sent: all of them in the embedded default, those the RQ scheduler lost
    with Redis otherwise."""
    from organiser.assemblies.dayof.reminders import sweep_reminders

    sent = sweep_reminders()
    if sent:
        log.info("reminder sweep sent %s assembly reminders", sent)
