"""Letter-writing: campaigns (fixed decision-makers or by region, one or several suggested letters,
closing at a set time, co-sponsored), letters written and confirmed by supporters, sent one e-mail
per decision-maker, and the responses recorded."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    from organiser.actions.letters import (  # noqa: F401 (their routes)
        delivery_views,
        edit_views,
        personal_data,
        replies,
        sponsor_views,
    )
    from organiser.actions.letters.views import bp
    from organiser.jobs import Sweep, register_sweep
    from organiser.privacy.registry import register_personal_data

    replies.init_app(app)  # its routes join the blueprint before it is registered
    app.register_blueprint(bp)
    register_personal_data(personal_data.LETTERS)
    register_sweep(Sweep("letter pacing", _sweep_pacing))
    register_sweep(Sweep("closing letter campaigns", _close_overdue_campaigns))


def _sweep_pacing() -> None:
    """Personal letters whose new day has come, and digests due: all of them in the embedded default,
    those the RQ scheduler lost with Redis otherwise."""
    from organiser.actions.letters.services.digests import sweep

    sent = sweep()
    if sent:
        log.info("letter pacing sweep put %s letters in the outbox", sent)


def _close_overdue_campaigns() -> None:
    """Close open campaigns whose close time has come (``services.closing``)."""
    from organiser.actions.letters.services.closing import close_overdue

    closed = close_overdue()
    if closed:
        log.info("closed %s letter campaigns whose close time has come", len(closed))
