"""Replies to letters: the writer asked, some days after delivery, whether the decision-maker replied
(``follow_ups``: a sweep, a page with buttons, one reminder at most), the campaign's report for
coordinators and the responsiveness its public page may show (``report``), letter writers as a
mailing segment (``segments``) and the answers as personal data (``personal_data``)."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Its pages (on the letters blueprint, so imported before it is registered); writers as a
    mailing segment; answers as personal data; the follow-ups as a sweep; the public figures."""
    from organiser.actions.letters.replies import personal_data, report, segments, views  # noqa: F401
    from organiser.jobs import Sweep, register_sweep
    from organiser.messaging.services.audiences import register_segment
    from organiser.privacy.registry import register_personal_data

    app.add_template_global(report.responsiveness, "letter_responsiveness")
    register_segment(segments.WRITERS)
    register_personal_data(personal_data.REPLIES)
    register_sweep(Sweep("letter follow-ups", _sweep_follow_ups))


def _sweep_follow_ups() -> None:
    """Writers of letters delivered long enough ago are asked whether they had a reply (once)."""
    from organiser.actions.letters.replies.follow_ups import send_follow_ups

    sent = send_follow_ups()
    if sent:
        log.info("letter follow-up sweep queued %s e-mails", sent)
