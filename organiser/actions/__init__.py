"""Petitions, signatures, targets, letter campaigns and letters."""

from __future__ import annotations

import logging

from flask import Flask

from organiser.jobs import Sweep, register_sweep

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Their pages; petition signers and sponsors' supporters as mailing segments; signatures and
    letters as personal data; the intake, overdue petitions and counts as sweeps."""
    from organiser.actions import letter_personal_data, personal_data, services, sponsors
    from organiser.actions.delivery_views import bp as petition_tools_bp
    from organiser.actions.letter_views import bp as letters_bp
    from organiser.actions.views import bp as actions_bp
    from organiser.messaging.services.audiences import register_segment
    from organiser.privacy.registry import register_personal_data

    for bp in (actions_bp, letters_bp, petition_tools_bp):
        app.register_blueprint(bp)
    register_segment(services.SIGNERS)
    register_segment(sponsors.SPONSOR_SUPPORTERS)
    register_personal_data(personal_data.SIGNATURES)
    register_personal_data(letter_personal_data.LETTERS)
    register_sweep(Sweep("intake sweep", _sweep_intake, needs_redis=True))
    register_sweep(Sweep("closing overdue petitions", _close_overdue_petitions))
    register_sweep(Sweep("count sweep", _sweep_counts))


def _sweep_intake() -> None:
    """Signatures waiting in the intake with no ingest job to write them (its flag outlived a crash)."""
    from organiser.actions.intake import sweep

    if sweep():
        log.info("intake sweep queued a job for the signatures waiting in Redis")


def _close_overdue_petitions() -> None:
    """Close open petitions whose close date has passed (``organiser.actions.lifecycle``)."""
    from organiser.actions.lifecycle import close_overdue_petitions

    closed = close_overdue_petitions()
    if closed:
        log.info("closed %s petitions whose close date has passed", len(closed))


def _sweep_counts() -> None:
    """Count confirmed signatures whose count job Redis lost (or that failed)."""
    from organiser.actions.counting import sweep_counts

    counted = sweep_counts()
    if counted:
        log.info("count sweep added %s confirmed signatures to their petitions' counts", counted)
